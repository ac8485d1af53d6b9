-- A pandoc reader for one article given as JSON:
--   {"fragments": [{"key": "summary", "text": "<Markdown>"}, ..., {"key": "body", ...}]}
-- Each fragment is read as Markdown on its own, so nothing written in one field (an open
-- fence, a stray metadata block) can spill into another, and is returned in reading order
-- as a Div carrying its key: <div data-fragment="summary">.
function Reader(input, opts)
  local article = pandoc.json.decode(tostring(input), false)
  local blocks = pandoc.Blocks{}
  for _, fragment in ipairs(article.fragments) do
    local parsed = pandoc.read(fragment.text, 'markdown', opts)
    blocks:insert(pandoc.Div(parsed.blocks, pandoc.Attr('', {}, {{'fragment', fragment.key}})))
  end
  return pandoc.Pandoc(blocks)
end
