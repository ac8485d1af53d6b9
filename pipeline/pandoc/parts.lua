-- A pandoc writer that returns an article's parts as JSON instead of one HTML page:
--   {"fragments": [{"key", "html", "text", "blocks"}],
--    "references": [{"id", "number", "html", "text"}], "citations": [{"id", "fragment", "keys"}]}
-- `blocks` is the fragment's pandoc AST (with its Cite elements), which the checks read.
-- Every in-text citation gets an id (cite-1, cite-2, ...) so references can link back.

local html_options = {wrap_text = 'wrap-none', highlight_method = 'none'}  -- no line anchors, no colours

local function is_inline_field(key)
  -- Titles, questions and key points sit inside the template's own elements.
  return key == 'title' or key == 'subtitle' or key:match('/question$') or key:match('^key%-points/')
end

local function write_html(blocks, meta, inline)
  -- An inline field that is one paragraph is written without <p>.
  if inline and #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain') then
    blocks = {pandoc.Plain(blocks[1].content)}
  end
  return pandoc.write(pandoc.Pandoc(blocks, meta), 'html5', html_options)
end

-- Each fragment is written on its own, so pandoc numbers its footnotes fn1, fn2... again in
-- each. Outside the body they get the fragment's name in front (the reader reserves every id
-- ending in fn1, fnref1 or footnotes, so these cannot clash with an author's).
local function own_footnote_ids(html, key)
  if key == 'body' then return html end
  local prefix = key:gsub('/', '-') .. '-'
  html = html:gsub('(id=")(fn%d+")', '%1' .. prefix .. '%2'):gsub('(href="#)(fn%d+")', '%1' .. prefix .. '%2')
  html = html:gsub('(id=")(fnref%d+")', '%1' .. prefix .. '%2'):gsub('(href="#)(fnref%d+")', '%1' .. prefix .. '%2')
  return (html:gsub('id="footnotes"', 'id="' .. prefix .. 'footnotes"'))
end

local function write_text(blocks, meta)
  return pandoc.write(pandoc.Pandoc(blocks, meta), 'plain', html_options)
end

local function number_citations(div, citations)
  return div:walk {
    Cite = function(cite)
      local id = 'cite-' .. (#citations + 1)
      local keys = {}
      for _, citation in ipairs(cite.citations) do table.insert(keys, citation.id) end
      table.insert(citations, {id = id, fragment = div.attributes.fragment, keys = keys})
      return pandoc.Span(cite.content, pandoc.Attr(id, {'citation'}, {{'cites', table.concat(keys, ' ')}}))
    end
  }
end

local function reference_entries(refs, meta)
  -- Citeproc writes each entry as a paragraph of two spans: the number and the entry.
  local entries = {}
  for _, entry in ipairs(refs.content) do
    local number, body = pandoc.Inlines{}, pandoc.Inlines{}
    for _, inline in ipairs(entry.content[1].content) do
      if inline.t == 'Span' and inline.classes:includes('csl-left-margin') then
        number = inline.content
      elseif inline.t == 'Span' and inline.classes:includes('csl-right-inline') then
        body = inline.content
      end
    end
    table.insert(entries, {
      id = entry.identifier:gsub('^ref%-', ''),
      number = pandoc.utils.stringify(number):gsub('%.%s*$', ''),
      html = write_html({pandoc.Plain(body)}, meta, true),
      text = pandoc.utils.stringify(body),
    })
  end
  return entries
end

function Writer(doc, opts)
  local result = {fragments = {}, references = {}, citations = {}}
  -- Fragments are written with the language alone: the whole metadata (every reference) was
  -- converted again for each of the article's dozens of writes, a tenth of its conversion.
  local meta = pandoc.Meta{lang = doc.meta.lang}
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Div' and block.attributes.fragment then
      local div = number_citations(block, result.citations)
      table.insert(result.fragments, {
        key = div.attributes.fragment,
        html = own_footnote_ids(write_html(div.content, meta, is_inline_field(div.attributes.fragment)),
                                div.attributes.fragment),
        -- Plain text of the front-matter fields, for metadata; the body needs none.
        text = div.attributes.fragment ~= 'body' and write_text(div.content, meta) or nil,
        blocks = block.content,
      })
    elseif block.t == 'Div' and block.identifier == 'refs' then
      result.references = reference_entries(block, meta)
    end
  end
  return pandoc.json.encode(result)
end
