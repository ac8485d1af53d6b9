-- pandoc kept running to convert one article after another. Each line on stdin is an article
-- as fragments.lua reads it (with "csl", the citation style's path); for each, one line goes
-- to stdout: parts.lua's JSON, or {"error": "<message>"}. The loop ends when stdin closes.
-- Starting pandoc costs more than most articles' conversion: its Lua engine takes about 30 ms
-- to start and citeproc about 15 ms more to warm up, of some 140 ms a conversion in a new process.
-- Run as the reader of an empty input: pandoc --sandbox -f articles.lua -t html /dev/null

local folder = PANDOC_SCRIPT_FILE:match('^(.*)/') or '.'
dofile(folder .. '/fragments.lua')
local read_article = Reader
dofile(folder .. '/parts.lua')
local write_parts = Writer
Writer = nil  -- the script is pandoc's reader only; the empty document goes to the html writer

local function convert(line, opts)
  return write_parts(pandoc.utils.citeproc(read_article(line, opts)), opts)
end

function Reader(_input, opts)
  for line in io.lines() do
    local ok, result = pcall(convert, line, opts)
    if not ok then result = pandoc.json.encode({error = tostring(result)}) end
    io.write(result, '\n')
    io.stdout:flush()
    collectgarbage()  -- Lua counts only its own small share of each pandoc object: free them now
  end
  return pandoc.Pandoc({})
end
