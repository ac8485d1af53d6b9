// Site search with Pagefind (https://pagefind.app), one index per language.
// Shows the search boxes, which stay hidden without scripts, and on a search page runs the
// query in ?q= through Pagefind's own API against the index of the page's language.
(() => {
  const site = new URL("../", document.currentScript.src);  // this file is assets/search.js

  function start() {
    for (const form of document.querySelectorAll("form[data-search]")) form.hidden = false;
    const results = document.getElementById("search-results");
    if (!results) return;
    const query = (new URLSearchParams(location.search).get("q") || "").trim();
    document.getElementById("search-query").value = query;
    if (query) search(query, results).catch(() => say(document.getElementById("search-status").dataset.none, query, 0));
  }

  async function search(query, results) {
    const pagefind = await import(new URL("pagefind/pagefind.js", site).href);
    await pagefind.options({ baseUrl: site.pathname });
    const found = await pagefind.search(query);
    const pages = await Promise.all(found.results.slice(0, 25).map((result) => result.data()));
    const status = document.getElementById("search-status");
    say(pages.length ? status.dataset.count : status.dataset.none, query, pages.length);
    const list = document.createElement("ol");
    list.className = "search-results";
    for (const page of pages) {
      const item = document.createElement("li");
      const heading = document.createElement("h2");
      const link = document.createElement("a");
      link.href = page.url;
      link.textContent = page.meta.title || page.url;
      heading.append(link);
      item.append(heading, excerpt(page.excerpt));
      list.append(item);
    }
    results.replaceChildren(list);
  }

  function say(words, query, count) {
    document.getElementById("search-status").textContent =
      words.replace("{query}", query).replace("{count}", String(count));
  }

  // Pagefind marks the words found with <mark>; everything else is taken as text, never as HTML.
  function excerpt(html) {
    const paragraph = document.createElement("p");
    const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
    for (const node of parsed.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.append(mark);
      } else {
        paragraph.append(node.textContent);
      }
    }
    return paragraph;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
