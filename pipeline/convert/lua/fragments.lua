-- A pandoc reader for one article given as JSON:
--   {"fragments": [{"key": "summary", "text": "<Markdown>"}, ..., {"key": "body", ...}],
--    "references": [<CSL JSON items>], "lang": "en-GB", "reserved-ids": ["summary", ...],
--    "reserved-patterns": ["^ref%-", ...], "csl": "<path of the citation style>"}
-- Each fragment is read as Markdown on its own, so nothing written in one field (an open
-- fence, a stray metadata block) can spill into another, and is returned in reading order
-- as a Div carrying its key: <div data-fragment="summary">. Citeproc then numbers the
-- citations of all fragments in that order.

-- Ids are unique across the whole article, and never one the templates or pandoc's own
-- footnotes use: such an id gets the first free "-N" suffix. Links to an id that moved follow
-- it; a later duplicate moves without its links (they already went to the first). Which ids are
-- reserved is Python's to say (output/layout.py): the request names them, and Lua patterns.
local function is_reserved(id, reserved)
  if reserved.ids[id] then return true end
  for _, pattern in ipairs(reserved.patterns) do
    if id:match(pattern) then return true end
  end
  return false
end

-- `along`: filters of other element types, applied in the same walk (a walk costs ~2 ms an article).
local function make_ids_unique(fragments, reserved, along)
  local used, moved = {}, {}
  local function fresh(id)
    -- "ref-x-1" is as reserved as "ref-x": such ids get a prefix of their own.
    local base = is_reserved(id .. '-1', reserved) and 'id-' .. id or id
    local n = 1
    while used[base .. '-' .. n] or is_reserved(base .. '-' .. n, reserved) do n = n + 1 end
    return base .. '-' .. n
  end
  local function claim(element)
    local id = element.identifier
    if id == nil or id == '' then return nil end
    if used[id] or is_reserved(id, reserved) then
      local new = fresh(id)
      if not used[id] and moved[id] == nil then moved[id] = new end
      element.identifier = new
      id = new
    end
    used[id] = true
    return element
  end
  local claiming = {Header = claim, Div = claim, Span = claim, Table = claim, Figure = claim,
                    CodeBlock = claim, Code = claim, Link = claim, Image = claim}
  for element_type, filter in pairs(along) do claiming[element_type] = filter end
  for index, blocks in ipairs(fragments) do
    fragments[index] = blocks:walk(claiming)
  end
  local function follow(link)
    local target = link.target:match('^#(.+)$')
    if target and moved[target] then
      link.target = '#' .. moved[target]
      return link
    end
  end
  if next(moved) == nil then return fragments end  -- the usual case: spares a walk over every element
  for index, blocks in ipairs(fragments) do
    fragments[index] = blocks:walk {Link = follow}
  end
  return fragments
end

-- Citeproc numbers the references in the order they are first cited; the items of one citation
-- ([@b; @a]) are put in that order here, so that they print as [1, 2]. The style does not sort
-- them itself: a <sort> costs citeproc its Unicode collation tables, about 60 ms a conversion
-- (a third of it), to compare numbers. The walk must meet the citations in reading order.
local function citation_order()
  local number, count = {}, 0
  return function(cite)
    local items = {}
    for index, citation in ipairs(cite.citations) do
      if not number[citation.id] then
        count = count + 1
        number[citation.id] = count
      end
      items[index] = {citation = citation, key = number[citation.id], index = index}
    end
    if #items < 2 then return nil end
    table.sort(items, function(a, b)
      if a.key ~= b.key then return a.key < b.key end
      return a.index < b.index
    end)
    local citations = {}
    for index, item in ipairs(items) do citations[index] = item.citation end
    cite.citations = citations
    return cite
  end
end

-- pandoc's --sandbox does not reach the readers a Lua script runs: each gets an empty file
-- system of its own, so no text can make a reader load a file (LaTeX's \input would).
local SANDBOX = {}

-- Each access date as the article's language writes its other dates (the request carries them,
-- by reference id): citeproc prints a literal date as it is.
local function write_access_dates(references, accessed)
  for _, reference in ipairs(references or {}) do
    local written = accessed[pandoc.utils.stringify(reference.id)]
    if written then reference.accessed = pandoc.MetaMap{literal = pandoc.MetaString(written)} end
  end
end

function Reader(input, opts)
  local article = pandoc.json.decode(tostring(input), false)
  local reserved = {ids = {}, patterns = article['reserved-patterns'] or {}}
  for _, id in ipairs(article['reserved-ids'] or {}) do reserved.ids[id] = true end
  local parsed = {}
  for _, fragment in ipairs(article.fragments) do
    table.insert(parsed, pandoc.read(fragment.text, 'markdown', opts, SANDBOX).blocks)
  end
  parsed = make_ids_unique(parsed, reserved, {Cite = citation_order()})
  local blocks = pandoc.Blocks{}
  for index, fragment in ipairs(article.fragments) do
    blocks:insert(pandoc.Div(parsed[index], pandoc.Attr('', {}, {{'fragment', fragment.key}})))
  end
  local meta = {}
  if article.references and #article.references > 0 then
    meta = pandoc.read(pandoc.json.encode(article.references), 'csljson', nil, SANDBOX).meta
    meta['link-citations'] = true
    write_access_dates(meta.references, article.accessed or {})
  end
  meta['lang'] = article.lang
  meta['csl'] = article.csl
  return pandoc.Pandoc(blocks, meta)
end
