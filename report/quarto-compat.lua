-- What Quarto does for this report, for the registry-only route (python -m neoutflow.render runs
-- pandoc with report/qmd-reader.lua, this filter, then report/typeset.lua and
-- report/typst-tables.lua). Quarto never runs this file. In order:
--   1. conditional content: divs and spans of class content-visible / content-hidden with
--      when-meta / unless-meta (a boolean option, dotted keys allowed, absent = false) and
--      when-format / unless-format, kept or dropped as Quarto does;
--   2. an include whose file is missing (qmd-reader.lua) is an error, unless step 1 dropped it;
--   3. the shortcodes {{< var key >}} (from _variables.yml), {{< meta key >}} (the document's
--      options) and {{< pagebreak >}}; {{{< … >}}} prints the shortcode itself;
--   4. numbers: sections (number-sections), figures (#fig-) and tables (#tbl-), with the
--      captions' "图 1：" / "表 1：" (crossref: fig-title, tbl-title, title-delim);
--   5. @fig-x, @tbl-x, @sec-x (and -@fig-x, the number alone) become linked "图 1", "表 1",
--      "第 1.1 节"; a label that does not exist is an error naming every place it is used;
--   6. every cited key is in the bibliography, every image exists; an image is addressed
--      from the project root for Typst, and as its reduced screen copy for HTML;
--   7. tbl-colwidths: false (widths from the content) or a list of percentages.
-- The route's options, variables and paths come from the JSON file named by NEOUTFLOW_ROUTE.
-- Errors start with "neoutflow: " and name file:line places.

local route = {}
do
  local f = assert(io.open(assert(os.getenv("NEOUTFLOW_ROUTE"), "NEOUTFLOW_ROUTE is not set"), "rb"))
  route = pandoc.json.decode(f:read("a"), false)
  f:close()
end
local OPTIONS, VARIABLES, ROOT = route.options or {}, route.variables or {}, route.root
local stringify = pandoc.utils.stringify
local sources = {}

local common = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "route-common.lua" }))
local fail = common.fail
local function shown(path)
  return common.shown(path, ROOT)
end

-- Every file:line of the sources where `needle` occurs as a whole (not inside a longer
-- word or key: "@sec-a" is not found in "@sec-ab" nor "x@sec-a").
local KEY_CHAR = "[%w_]"
local KEY_INNER = "[:%.#%$%%&%-%+%?<>~/]"
local function places(needle, whole_key)
  local out = {}
  for _, path in ipairs(sources) do
    local f = io.open(path, "rb")
    if f then
      local n = 0
      for line in (f:read("a") .. "\n"):gmatch("(.-)\n") do
        n = n + 1
        local from = 1
        while true do
          local s, e = line:find(needle, from, true)
          if not s then
            break
          end
          local before, after, next2 = line:sub(s - 1, s - 1), line:sub(e + 1, e + 1), line:sub(e + 2, e + 2)
          local ok = true
          if whole_key then
            ok = not before:match("[%w_]") and not after:match(KEY_CHAR)
              and not (after:match(KEY_INNER) and next2:match(KEY_CHAR))
          end
          if ok then
            table.insert(out, shown(path) .. ":" .. n)
            break
          end
          from = s + 1
        end
      end
      f:close()
    end
  end
  return out
end

local function used_at(needle, whole_key)
  local found = places(needle, whole_key)
  return #found > 0 and (" (used at " .. table.concat(found, ", ") .. ")") or ""
end

local function lookup(tbl, dotted)
  local node = tbl
  for part in dotted:gmatch("[^.]+") do
    if type(node) ~= "table" or node[part] == nil then
      return nil
    end
    node = node[part]
  end
  return node
end

-- 1. conditional content ---------------------------------------------------------------------

local FORMAT_ALIASES = { html = { html = true, html4 = true, html5 = true }, pdf = { pdf = true, latex = true, typst = true } }

local function format_matches(name)
  return FORMAT == name or (FORMAT_ALIASES[name] or {})[FORMAT] == true
end

local function truthy(value)
  return value ~= nil and value ~= false and value ~= "" and value ~= 0
end

-- true: keep, false: drop, nil: not conditional
local function keep(el)
  local visible, hidden = el.classes:includes("content-visible"), el.classes:includes("content-hidden")
  if not (visible or hidden) then
    return nil
  end
  local match = true
  for k, v in pairs(el.attributes) do
    if k == "when-meta" then
      match = match and truthy(lookup(OPTIONS, v))
    elseif k == "unless-meta" then
      match = match and not truthy(lookup(OPTIONS, v))
    elseif k == "when-format" then
      match = match and format_matches(v)
    elseif k == "unless-format" then
      match = match and not format_matches(v)
    end
  end
  if visible then
    return match
  end
  return not match
end

local hidden_includes = {} -- files of missing includes inside dropped blocks

local function conditional(el)
  local decision = keep(el)
  if decision == nil then
    return nil
  end
  if not decision and el.t == "Div" then
    el:walk({
      Div = function(d)
        if d.classes:includes("neoutflow-missing-include") then
          table.insert(hidden_includes, d.attributes.file)
        end
      end,
    })
  end
  return decision and el.content or {}
end

-- 2. missing includes -------------------------------------------------------------------------

local function missing_include(el)
  if el.classes:includes("neoutflow-missing-include") then
    fail(el.attributes.where .. ": {{< include >}}: included file not found: " .. el.attributes.file)
  end
end

-- 3. shortcodes --------------------------------------------------------------------------------

local function value_text(value, kind, key)
  if type(value) == "table" then
    fail("{{< " .. kind .. " " .. key .. " >}}" .. used_at(kind .. " " .. key) .. ": " .. kind .. " '" .. key
      .. "' is not a single value; name a key inside it")
  elseif type(value) == "boolean" then
    return value and "true" or "false"
  end
  return tostring(value)
end

local function shortcode(code, escaped)
  if escaped then
    return { pandoc.Str("{{< " .. code .. " >}}") }
  end
  local args = {}
  for word in code:gmatch("%S+") do
    table.insert(args, (word:gsub('^"(.*)"$', "%1")))
  end
  local name, key = args[1], args[2]
  local function here()
    return "{{< " .. code .. " >}}" .. used_at(code, true)
  end
  if name == "var" or name == "meta" then
    if #args ~= 2 then
      fail(here() .. ": " .. name .. " takes one key")
    end
    local value = lookup(name == "var" and VARIABLES or OPTIONS, key)
    if value == nil then
      fail(here() .. ": unknown " .. name .. " key '" .. key .. "' (not in "
        .. (name == "var" and "_variables.yml, generated from build/results/*.json)" or "the document's options)"))
    end
    local text = value_text(value, name, key)
    -- a var value is data (literal text); a meta value is Markdown, as in Quarto
    return name == "var" and pandoc.Inlines(text) or pandoc.utils.blocks_to_inlines(pandoc.read(text, "markdown").blocks)
  elseif name == "pagebreak" then
    return { pandoc.RawInline("typst", "#pagebreak()"), pandoc.RawInline("html", '<div style="page-break-after: always;"></div>') }
  end
  fail(here() .. ": shortcode '" .. tostring(name) .. "' is not supported by the registry-only route "
    .. "(supported: include, var, meta, pagebreak)")
end

-- qmd-reader.lua leaves each shortcode as a token "\u{E000}N\u{E001}" (N indexes the list
-- neoutflow-shortcodes), which may be glued to the text around it ("约\u{E000}3\u{E001}万人").
local CODES = {}
local TOKEN = "\u{E000}(%d+)\u{E001}"

local function token_code(n)
  local entry = CODES[tonumber(n)]
  return entry:sub(2), entry:sub(1, 1) == "!"
end

local function shortcodes(inlines)
  local out, changed = pandoc.Inlines({}), false
  for _, el in ipairs(inlines) do
    if el.t == "Str" and el.text:find("\u{E000}", 1, true) then
      changed = true
      local pos = 1
      for s, n, e in el.text:gmatch("()" .. TOKEN .. "()") do
        if s > pos then
          out:insert(pandoc.Str(el.text:sub(pos, s - 1)))
        end
        out:extend(shortcode(token_code(n)))
        pos = e
      end
      if pos <= #el.text then
        out:insert(pandoc.Str(el.text:sub(pos)))
      end
    else
      out:insert(el)
    end
  end
  return changed and out or nil
end

-- in code, a shortcode's text as it is printed
local function code_text(el)
  if el.text:find("\u{E000}", 1, true) then
    el.text = el.text:gsub(TOKEN, function(n)
      return pandoc.utils.stringify(shortcode(token_code(n)))
    end)
    return el
  end
end

local function pagebreak_para(el)
  local only = #el.content == 1 and el.content[1].t == "Str" and el.content[1].text:match("^" .. TOKEN .. "$")
  if only and token_code(only) == "pagebreak" then
    return {
      pandoc.RawBlock("typst", "#pagebreak()"),
      pandoc.RawBlock("html", '<div style="page-break-after: always;"></div>'),
    }
  end
end

-- 4. numbering ----------------------------------------------------------------------------------

local crossref, language = OPTIONS.crossref or {}, OPTIONS.language or {}
local function pick(key, default)
  local v = crossref[key]
  if v == nil then
    v = language["crossref-" .. key]
  end
  return v == nil and default or tostring(v)
end
local STYLE = {}
STYLE.fig_title = pick("fig-title", "图")
STYLE.tbl_title = pick("tbl-title", "表")
STYLE.fig = pick("fig-prefix", STYLE.fig_title)
STYLE.tbl = pick("tbl-prefix", STYLE.tbl_title)
STYLE.delim = pick("title-delim", "：")
STYLE.sec = pick("sec-prefix", "第")
STYLE.eq = pick("eq-prefix", "式")

local function ref_text(kind, number)
  if kind == "sec" then
    -- the Chinese ordinal: Quarto is told `sec-prefix: 第`, and typeset.lua adds 节 there too
    -- (第 N 章 for a chapter, 第 N.M 节 for a section within one)
    local unit = tostring(number):find("%.") and " 节" or " 章"
    return STYLE.sec:match("^%s*第%s*$") and ("第 " .. number .. unit) or (STYLE.sec .. " " .. number)
  end
  if kind == "eq" then
    return STYLE.eq .. " (" .. number .. ")" -- 式 (1), as the equation's own number reads
  end
  return STYLE[kind] .. " " .. number
end

local function kind_of(id)
  local head, rest = id:match("^(%a+)%-(.+)$")
  head = head and head:lower()
  if head == "fig" or head == "tbl" or head == "sec" or head == "eq" then
    return head
  end
end

local targets = {}

local function add_target(id, target)
  if targets[id] then
    fail("label #" .. id .. " is defined twice" .. used_at("#" .. id, true))
  end
  targets[id] = target
end

local function prefix_caption(caption, text)
  local first = caption.long[1]
  if first and (first.t == "Plain" or first.t == "Para") then
    first.content:insert(1, pandoc.Str(text))
  else
    caption.long:insert(1, pandoc.Plain({ pandoc.Str(text) }))
  end
end

local function number_all(doc)
  local counters, sections = { fig = 0, tbl = 0, eq = 0 }, {}
  local numbered = OPTIONS["number-sections"] == true
  local function float(el, expected)
    local kind = kind_of(el.identifier)
    if not kind then
      return
    end
    if kind ~= expected then
      fail("label #" .. el.identifier .. " is on " .. (expected == "fig" and "a figure" or "a table")
        .. "; use the prefix '" .. expected .. "-'")
    end
    counters[kind] = counters[kind] + 1
    local number = tostring(counters[kind])
    prefix_caption(el.caption, (kind == "fig" and STYLE.fig_title or STYLE.tbl_title) .. " " .. number .. STYLE.delim)
    add_target(el.identifier, { kind = kind, number = number })
    return el
  end
  return doc:walk({
    traverse = "topdown",
    Header = function(el)
      local number
      if numbered and not (el.classes:includes("unnumbered") or el.classes:includes("-")) then
        for k = #sections, el.level + 1, -1 do
          sections[k] = nil
        end
        for k = #sections + 1, el.level do
          sections[k] = 0
        end
        sections[el.level] = sections[el.level] + 1
        number = table.concat(sections, ".")
        el.content:insert(1, pandoc.Space())
        el.content:insert(1, pandoc.Span({ pandoc.Str(number) }, { class = "header-section-number" }))
      end
      if kind_of(el.identifier) == "sec" then
        add_target(el.identifier, { kind = "sec", number = number, title = stringify(el) })
      end
      return el
    end,
    Figure = function(el)
      return float(el, "fig")
    end,
    -- a display equation labelled as Quarto writes it: $$ … $$ {#eq-name}. It is numbered in order; the
    -- HTML shows "(N)" at its right, the PDF numbers every display equation itself (the Typst partial sets
    -- math.equation numbering), so that both agree with the references.
    Para = function(el)
      local c = el.content
      local last = c[#c]
      local label = last and last.t == "Str" and last.text:match("^{#(eq%-[%w%-_]+)}$")
      if not label or not (c[1] and c[1].t == "Math" and c[1].mathtype == "DisplayMath") then
        return nil
      end
      counters.eq = counters.eq + 1
      local number = tostring(counters.eq)
      add_target(label, { kind = "eq", number = number })
      local body = { c[1] }
      if FORMAT:match("html") then
        table.insert(body, pandoc.Span({ pandoc.Str("(" .. number .. ")") }, { class = "eq-number" }))
      end
      return pandoc.Div({ pandoc.Para(body) }, { id = label, class = "equation" })
    end,
    Table = function(el)
      return float(el, "tbl")
    end,
  })
end

-- 5. cross-references ---------------------------------------------------------------------------

local function resolve(cite)
  local any, all = false, true
  for _, c in ipairs(cite.citations) do
    if kind_of(c.id) then
      any = true
    else
      all = false
    end
  end
  if not any then
    return nil
  end
  if not all then
    local ids = {}
    for _, c in ipairs(cite.citations) do
      table.insert(ids, "@" .. c.id)
    end
    fail("[" .. table.concat(ids, "; ") .. "] mixes cross-references and citations"
      .. used_at("@" .. cite.citations[1].id, true))
  end
  local out = pandoc.Inlines({})
  for i, c in ipairs(cite.citations) do
    local label = targets[c.id] and c.id or (c.id:sub(1, 1):lower() .. c.id:sub(2))
    local target = targets[label]
    if not target then
      fail("unresolved cross-reference @" .. c.id .. ": no figure, table or section has the label #" .. c.id
        .. used_at("@" .. c.id, true))
    end
    local text
    if target.number == nil then
      text = target.title -- an unnumbered section is referred to by its title
    elseif c.mode == "SuppressAuthor" then
      text = target.number -- Quarto's -@fig-x: the number alone
    else
      text = ref_text(target.kind, target.number)
    end
    if i > 1 then
      out:insert(pandoc.Str("、"))
    end
    out:extend(c.prefix)
    if #c.prefix > 0 then
      out:insert(pandoc.Space())
    end
    out:insert(pandoc.Link({ pandoc.Str(text) }, "#" .. label))
    out:extend(c.suffix)
  end
  return out
end

-- 6. citations and images -------------------------------------------------------------------------

local function check_citations(doc)
  local cited, seen = {}, {}
  doc:walk({
    Cite = function(el)
      for _, c in ipairs(el.citations) do
        if not kind_of(c.id) and c.id ~= "*" and not seen[c.id] then
          seen[c.id] = true
          table.insert(cited, c.id)
        end
      end
    end,
  })
  if #cited == 0 then
    return
  end
  if doc.meta.bibliography == nil then
    fail("the document cites @" .. cited[1] .. used_at("@" .. cited[1], true) .. " but no bibliography is set")
  end
  local known = {}
  for _, ref in ipairs(pandoc.utils.references(doc)) do
    known[ref.id] = true
  end
  local missing = {}
  for _, key in ipairs(cited) do
    if not known[key] then
      table.insert(missing, key)
    end
  end
  if #missing > 0 then
    local files = {}
    local bib = doc.meta.bibliography
    for _, b in ipairs(pandoc.utils.type(bib) == "List" and bib or { bib }) do
      table.insert(files, pandoc.path.filename(stringify(b)))
    end
    fail("citation @" .. missing[1] .. used_at("@" .. missing[1], true) .. " is not in " .. table.concat(files, ", ")
      .. (#missing > 1 and ("; also missing: " .. table.concat(missing, ", ", 2)) or ""))
  end
end

local function image(el)
  if el.src:match("://") or el.src:match("^data:") then
    return nil
  end
  local path = common.absolute(el.src)
  local f = io.open(path, "rb")
  if not f then
    fail("image not found: " .. el.src .. " (looked for " .. path .. "); figures come from the notebooks: run `make notebooks`")
  end
  f:close()
  if FORMAT == "typst" then
    local rel = shown(path)
    if rel == path then
      fail("image " .. path .. " is outside the project " .. ROOT .. "; Typst cannot read it")
    end
    el.src = "/" .. rel
  else
    el.src = path
  end
  return el
end

-- 7. tbl-colwidths -------------------------------------------------------------------------------

local function colwidths(el)
  local setting = OPTIONS["tbl-colwidths"]
  if setting == nil or setting == true or setting == "auto" then
    return nil
  end
  local specs = el.colspecs
  if setting == false then
    for i, spec in ipairs(specs) do
      specs[i] = { spec[1], nil }
    end
  elseif type(setting) == "table" and #setting == #specs then
    for i, spec in ipairs(specs) do
      specs[i] = { spec[1], setting[i] / 100 }
    end
  else
    fail("tbl-colwidths gives " .. (type(setting) == "table" and #setting or tostring(setting)) .. " widths for a table of "
      .. #specs .. " columns (#" .. (el.identifier ~= "" and el.identifier or "unlabelled") .. ")")
  end
  el.colspecs = specs
  return el
end

function Pandoc(doc)
  for _, p in ipairs(doc.meta["neoutflow-sources"] or {}) do
    table.insert(sources, stringify(p))
  end
  doc.meta["neoutflow-sources"] = nil
  for _, code in ipairs(doc.meta["neoutflow-shortcodes"] or {}) do
    table.insert(CODES, stringify(code))
  end
  doc.meta["neoutflow-shortcodes"] = nil
  doc = doc:walk({ Div = conditional, Span = conditional })
  local listing = os.getenv("NEOUTFLOW_HIDDEN_INCLUDES")
  if listing then -- only list them (for the Quarto route, which needs these files, empty)
    local f = assert(io.open(listing, "w"))
    f:write(pandoc.json.encode(hidden_includes))
    f:close()
    return pandoc.Pandoc({})
  end
  doc:walk({ Div = missing_include })
  doc = doc:walk({ Para = pagebreak_para })
  doc = doc:walk({ Inlines = shortcodes, Code = code_text, CodeBlock = code_text })
  doc = number_all(doc)
  doc = doc:walk({ Cite = resolve })
  check_citations(doc)
  doc = doc:walk({ Image = image, Table = colwidths })
  return doc
end
