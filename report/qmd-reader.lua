-- A pandoc custom reader for the registry-only route (python -m neoutflow.render): a .qmd as
-- Quarto reads it. Like Quarto, `{{< include file >}}` is expanded in the text before the
-- Markdown is parsed (recursively; a path is relative to the including file, or to the project
-- root when it starts with "/"); every file's YAML front matter is left out (the route passes
-- the merged options with --metadata-file). An include whose file is missing becomes an
-- empty div that report/quarto-compat.lua reports, unless a conditional block hides it
-- (Quarto likewise only needs the files of the parts it shows). The files read are listed
-- in the metadata (neoutflow-sources), so that later filters can name file:line places; the
-- other shortcodes are left as tokens (listed in neoutflow-shortcodes) for quarto-compat.lua.
-- Quarto never runs this file: it has its own reader.

local ROOT = os.getenv("NEOUTFLOW_ROOT") or pandoc.system.get_working_directory()
local EXTENSIONS = "markdown+east_asian_line_breaks"

local common = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "route-common.lua" }))
local fail, absolute = common.fail, common.absolute
local function shown(path)
  return common.shown(path, ROOT)
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then
    return nil
  end
  local text = f:read("a"):gsub("^\239\187\191", "") -- no UTF-8 byte-order mark
  f:close()
  return text
end

-- The text without its front matter; the front matter's lines stay as empty lines, so that
-- line numbers still point into the file.
local function without_front_matter(text)
  if not text:match("^%-%-%-[ \t]*\r?\n") then
    return text
  end
  local lines, out = {}, {}
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    table.insert(lines, line)
  end
  for i = 2, #lines do
    if lines[i]:match("^%-%-%-%s*$") or lines[i]:match("^%.%.%.%s*$") then
      for _ = 1, i do
        table.insert(out, "")
      end
      for j = i + 1, #lines do
        table.insert(out, lines[j])
      end
      return table.concat(out, "\n")
    end
  end
  fail(shown(absolute(PANDOC_STATE.input_files[1] or "?")) .. ": front matter opened with '---' on line 1 is never closed")
end

local sources = {}

local function expand(path, text, stack)
  table.insert(sources, path)
  local out, n = {}, 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    local where = shown(path) .. ":" .. n
    line = line:gsub("({?){{<%s*include%s+([^%s>]+)%s*>}}(}?)", function(open, target, close)
      if open == "{" and close == "}" then
        return nil -- Quarto's escape {{{< … >}}}: printed as is by quarto-compat.lua
      end
      target = target:gsub('^"(.*)"$', "%1")
      local file = absolute(target:sub(1, 1) == "/" and (ROOT .. target) or (path:match("^(.*)/") .. "/" .. target))
      for _, open_file in ipairs(stack) do
        if open_file == file then
          local chain = {}
          for _, p in ipairs(stack) do
            table.insert(chain, shown(p))
          end
          table.insert(chain, shown(file))
          fail(where .. ": {{< include " .. target .. " >}}: circular include: " .. table.concat(chain, " -> "))
        end
      end
      local body = read_file(file)
      if body == nil then
        return open .. '\n\n::: {.neoutflow-missing-include file="' .. shown(file) .. '" where="' .. where
          .. '"}\n:::\n\n' .. close
      end
      local inner = stack
      inner = { table.unpack(stack) }
      table.insert(inner, file)
      return open .. expand(file, without_front_matter(body), inner) .. close
    end)
    table.insert(out, line)
  end
  return table.concat(out, "\n")
end

function Reader(input, opts)
  local text, path = tostring(input), absolute(PANDOC_STATE.input_files[1] or "stdin.qmd")
  -- Every other shortcode becomes a token for quarto-compat.lua: left as "{{< … >}}", its
  -- angle brackets would send pandoc's parser looking for raw HTML (16 s for this report).
  local codes = pandoc.List()
  local expanded = expand(path, without_front_matter(text), { path }):gsub("({?){{<%s*(.-)%s*>}}(}?)", function(o, code, c)
    local escaped = o == "{" and c == "}"
    codes:insert(pandoc.MetaString((escaped and "!" or " ") .. code))
    return (escaped and "" or o) .. "\u{E000}" .. #codes .. "\u{E001}" .. (escaped and "" or c)
  end)
  local doc = pandoc.read(expanded, EXTENSIONS, opts)
  doc.meta["neoutflow-shortcodes"] = pandoc.MetaList(codes)
  local list = pandoc.List()
  for _, p in ipairs(sources) do
    list:insert(pandoc.MetaString(p))
  end
  doc.meta["neoutflow-sources"] = pandoc.MetaList(list)
  return doc
end
