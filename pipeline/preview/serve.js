// publish serve: refresh this page when the build writes what it shows, and show the
// build's problems over it. Added by the server as it serves; never in an output file.
(() => {
  const me = document.currentScript;
  const shows = me.dataset.shows;          // the output this page shows: web/NAME.html, pdf/NAME.pdf
  const leaflet = me.dataset.leaflet;      // the article's name, when it has a leaflet to preview
  const name = shows.startsWith("pdf/")
    ? shows.slice(4).replace(/(\.large-print)?\.pdf$/, "")
    : (leaflet || null);

  const box = document.createElement("section");
  box.id = "publish-serve-problems";
  box.setAttribute("role", "alert");
  box.setAttribute("aria-label", "Problems found by publish serve");
  box.hidden = true;
  box.style.cssText = "position:fixed;inset:0 0 auto 0;max-height:50vh;overflow:auto;z-index:2147483647;" +
    "margin:0;padding:0.75rem 1rem;background:#fff4f4;color:#1a1a1a;border-bottom:3px solid #b00020;" +
    "font:16px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3)";
  document.body.append(box);

  if (leaflet && !shows.startsWith("pdf/")) {
    const link = document.createElement("a");
    link.href = `/__serve/leaflet/${encodeURIComponent(leaflet)}`;
    link.textContent = "Leaflet preview";
    link.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483646;padding:0.5rem 0.75rem;" +
      "background:#0b5cab;color:#fff;font:16px system-ui,sans-serif;border-radius:4px";
    document.body.append(link);
  }

  function showProblems(problems) {
    // Every error in the project, and the warnings about what this page shows.
    const mine = problems.filter((p) => p.severity === "error" || (name && p.name === name));
    box.replaceChildren();
    if (!mine.length) { box.hidden = true; return; }
    const heading = document.createElement("h2");
    heading.textContent = `publish serve: ${mine.length} problem${mine.length === 1 ? "" : "s"}` +
      (mine.some((p) => p.name === name && p.severity === "error") ? " (this page is the last good build)" : "");
    heading.style.cssText = "font-size:1.1rem;margin:0 0 0.5rem";
    const list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.25rem";
    for (const p of mine) {
      const item = document.createElement("li");
      const where = document.createElement("code");
      where.textContent = p.where;
      item.append(where, `: ${p.severity}: ${p.message}`);
      if (p.hint) {
        const hint = document.createElement("div");
        hint.textContent = `hint: ${p.hint}`;
        hint.style.color = "#444";
        item.append(hint);
      }
      list.append(item);
    }
    box.append(heading, list);
    box.hidden = false;
  }

  function refresh() {
    if (window.publishServeRefresh) window.publishServeRefresh(); else location.reload();
  }

  const news = new EventSource("/__serve/events");
  news.onmessage = (message) => {
    const told = JSON.parse(message.data);
    if (told.kind === "wrote" && told.paths.includes(shows)) refresh();
    if (told.kind === "built") showProblems(told.problems);
  };
})();
