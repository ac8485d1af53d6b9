-- A pandoc reader for one article given as JSON:
--   {"fragments": [{"key": "summary", "text": "<Markdown>"}, ..., {"key": "body", ...}],
--    "references": [<CSL JSON items>], "lang": "en-GB", "reserved-ids": ["summary", ...]}
-- Each fragment is read as Markdown on its own, so nothing written in one field (an open
-- fence, a stray metadata block) can spill into another, and is returned in reading order
-- as a Div carrying its key: <div data-fragment="summary">. Citeproc then numbers the
-- citations of all fragments in that order.

local function avoid_reserved_ids(blocks, reserved)
  local function rename(element)
    if element.identifier ~= '' and reserved[element.identifier] then
      element.identifier = element.identifier .. '-1'
      return element
    end
  end
  return blocks:walk {Header = rename, Div = rename, Span = rename, Table = rename, Figure = rename}
end

function Reader(input, opts)
  local article = pandoc.json.decode(tostring(input), false)
  local reserved = {}
  for _, id in ipairs(article['reserved-ids'] or {}) do reserved[id] = true end
  local blocks = pandoc.Blocks{}
  for _, fragment in ipairs(article.fragments) do
    local parsed = pandoc.read(fragment.text, 'markdown', opts)
    local content = avoid_reserved_ids(parsed.blocks, reserved)
    blocks:insert(pandoc.Div(content, pandoc.Attr('', {}, {{'fragment', fragment.key}})))
  end
  local meta = {}
  if article.references and #article.references > 0 then
    meta = pandoc.read(pandoc.json.encode(article.references), 'csljson').meta
    meta['link-citations'] = true
  end
  meta['lang'] = article.lang
  return pandoc.Pandoc(blocks, meta)
end
