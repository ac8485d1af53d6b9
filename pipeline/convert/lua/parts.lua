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

local function as_written(blocks, inline)
  -- An inline field that is one paragraph is written without <p>.
  if inline and #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain') then
    return {pandoc.Plain(blocks[1].content)}
  end
  return blocks
end

local function write_html(blocks, meta)
  return pandoc.write(pandoc.Pandoc(blocks, meta), 'html5', html_options)
end

-- The HTML writer costs about a millisecond a call however little it writes, and an article
-- has dozens of small fields. So pieces are written in one call, each after a marker, and
-- cut apart at the markers. If a piece's own raw HTML holds the marker, the count shows it
-- and each piece is written on its own instead.
local MARKER = '<!--parts.lua: next piece-->'

local function split(text, separator)
  local parts, from = {}, 1
  while true do
    local at = text:find(separator, from, true)
    table.insert(parts, text:sub(from, at and at - 1))
    if not at then return parts end
    from = at + #separator
  end
end

local function write_pieces(pieces, meta)
  local blocks = pandoc.Blocks{}
  for _, piece in ipairs(pieces) do
    blocks:insert(pandoc.RawBlock('html', MARKER))
    blocks:extend(piece)
  end
  local parts = split(write_html(blocks, meta), MARKER)
  table.remove(parts, 1)  -- what came before the first marker: nothing
  if #parts ~= #pieces then
    local alone = {}
    for index, piece in ipairs(pieces) do alone[index] = write_html(piece, meta) end
    return alone
  end
  for index, part in ipairs(parts) do parts[index] = part:gsub('^\n', ''):gsub('\n$', '') end
  return parts
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

-- Gives every in-text citation an id; tells whether the fragment has footnotes.
local function number_citations(div, citations)
  local has_notes = false
  local numbered = div:walk {
    Cite = function(cite)
      local id = 'cite-' .. (#citations + 1)
      local keys = {}
      for _, citation in ipairs(cite.citations) do table.insert(keys, citation.id) end
      table.insert(citations, {id = id, fragment = div.attributes.fragment, keys = keys})
      return pandoc.Span(cite.content, pandoc.Attr(id, {'citation'}, {{'cites', table.concat(keys, ' ')}}))
    end,
    Note = function() has_notes = true end,
  }
  return numbered, has_notes
end

-- Each entry of the bibliography, and the inlines its HTML is written from.
local function reference_entries(refs)
  -- Citeproc writes each entry as a paragraph of two spans: the number and the entry.
  local entries, bodies = {}, {}
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
      text = pandoc.utils.stringify(body),
    })
    table.insert(bodies, body)
  end
  return entries, bodies
end

function Writer(doc, opts)
  local result = {fragments = {}, references = {}, citations = {}}
  -- Fragments are written with the language alone: the whole metadata (every reference) was
  -- converted again for each of the article's dozens of writes, a tenth of its conversion.
  local meta = pandoc.Meta{lang = doc.meta.lang}
  -- What to write as HTML: {blocks, the record its html goes in}. A fragment with footnotes
  -- is written alone, since each numbers its notes from fn1; the rest are written together.
  local together, alone = {}, {}
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Div' and block.attributes.fragment then
      local key = block.attributes.fragment
      local div, has_notes = number_citations(block, result.citations)
      local fragment = {
        key = key,
        -- Plain text of the front-matter fields, for metadata; the body needs none.
        text = key ~= 'body' and write_text(div.content, meta) or nil,
        blocks = block.content,
      }
      table.insert(result.fragments, fragment)
      table.insert(has_notes and alone or together, {as_written(div.content, is_inline_field(key)), fragment})
    elseif block.t == 'Div' and block.identifier == 'refs' then
      local bodies
      result.references, bodies = reference_entries(block)
      for index, entry in ipairs(result.references) do
        table.insert(together, {{pandoc.Plain(bodies[index])}, entry})
      end
    end
  end
  for _, job in ipairs(alone) do job[2].html = write_html(job[1], meta) end
  local pieces = {}
  for index, job in ipairs(together) do pieces[index] = job[1] end
  for index, html in ipairs(write_pieces(pieces, meta)) do together[index][2].html = html end
  for _, fragment in ipairs(result.fragments) do fragment.html = own_footnote_ids(fragment.html, fragment.key) end
  return pandoc.json.encode(result)
end
