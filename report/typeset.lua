-- Quarto's counterpart of the registry-only route's typesetting filter
-- (src/neoutflow/render/filters/typeset.py and neoutflow.formatting.typographic), run
-- after Quarto's own filters (`filters: [quarto, report/typeset.lua]` in _quarto.yml):
--   * a sign before a number is U+2212, a range between numbers one en dash (U+2013),
--     "p = 0.000" reads "p < 0.001" (code is left as typed);
--   * a section reference reads "第 N 节" as in the registry-only route
--     (Quarto writes "第 N" from `crossref: sec-prefix`);
--   * in HTML, every table sits in a sideways-scrolling <div class="table-scroll">.

local MINUS = "\u{2212}"
local DASH = "\u{2013}"

local function typographic(s)
  if not (s:find("[-~=]") or s:find("\u{2013}") or s:find("\u{2014}") or s:find("～")) then
    return s
  end
  if s:match("^%d%d%d%d%-%d%d%-%d%d") then return s end -- ISO dates keep their hyphens
  -- ranges: 2010-2020, 2010—2020, 30～34, 2010年—2020年
  s = s:gsub("(%d)%-(%d)", "%1" .. DASH .. "%2")
  for _, sep in ipairs({"\u{2014}\u{2014}", "\u{2014}", "～", "~"}) do
    s = s:gsub("(%d)" .. sep .. "(%d)", "%1" .. DASH .. "%2")
    s = s:gsub("(%d年)" .. sep .. "(%d)", "%1" .. DASH .. "%2")
    s = s:gsub("(%d岁)" .. sep .. "(%d)", "%1" .. DASH .. "%2")
  end
  -- a sign: at the start of the run or after an opening bracket, space or CJK punctuation
  s = s:gsub("^%-(%d)", MINUS .. "%1")
  s = s:gsub("([%(%[%s,;:=/])%-(%d)", "%1" .. MINUS .. "%2")
  for _, open in ipairs({"（", "［", "，", "、", "：", "；", "约", "为"}) do
    s = s:gsub(open .. "%-(%d)", open .. MINUS .. "%1")
  end
  s = s:gsub("([pP])%s*=%s*0%.0+$", "%1 < 0.001")
  return s
end

local function Str(el)
  local new = typographic(el.text)
  if new ~= el.text then
    el.text = new
    return el
  end
end

-- A range whose ends are separate text runs (Quarto inserts each `{{< var >}}` value as a
-- run of its own: "2010", "—", "2020" or "2010", "年—", "2020") gets the range dash too.
local SEPS = {"\u{2014}\u{2014}", "\u{2014}", "～", "~", "-", DASH}
local UNITS = {"", "年", "岁"}
local function is_str(el) return el ~= nil and el.t == "Str" end
local function ends_with(s, tail) return tail == "" or s:sub(-#tail) == tail end
local function range_runs(inls)
  for i = 1, #inls - 1 do
    local a, b, c = inls[i], inls[i + 1], inls[i + 2]
    for _, sep in ipairs(SEPS) do
      for _, unit in ipairs(UNITS) do
        if is_str(a) and is_str(b) then
          if a.text:match("%d$") and b.text == unit .. sep and is_str(c) and c.text:match("^%d") then
            b.text = unit .. DASH -- "2010" "年—" "2020"
          elseif unit == "" and a.text:match("%d$") and b.text:sub(1, #sep) == sep
            and b.text:sub(#sep + 1):match("^%d") then
            b.text = DASH .. b.text:sub(#sep + 1) -- "2010" "—2020年"
          elseif b.text:match("^%d") and ends_with(a.text, unit .. sep)
            and a.text:sub(1, -#(unit .. sep) - 1):match("%d$") then
            a.text = a.text:sub(1, -#sep - 1) .. DASH -- "2010年—" "2020"
          end
        end
      end
    end
  end
  return inls
end

-- A caption reads "表 1：标题": Quarto writes 表, U+00A0, 1, "：" and a space (HTML).
local function caption_space(inls)
  for i = #inls - 1, 4, -1 do
    if inls[i + 1].t == "Space" and is_str(inls[i]) and inls[i].text == "："
      and is_str(inls[i - 1]) and inls[i - 1].text:match("^[%d%.]+$") and is_str(inls[i - 2])
      and inls[i - 2].text == "\u{a0}" and is_str(inls[i - 3])
      and (inls[i - 3].text == "表" or inls[i - 3].text == "图") then
      inls:remove(i + 1)
    end
  end
end

-- "p = 0.000" across three words
local function Inlines(inls)
  range_runs(inls)
  caption_space(inls)
  for i = 1, #inls - 4 do
    local a, b, c = inls[i], inls[i + 2], inls[i + 4]
    if a.t == "Str" and b.t == "Str" and c.t == "Str" and a.text:match("[pP]$") and b.text == "="
      and (c.text:match("^0%.0+$") or c.text:match("^0%.0+[^%d]")) then
      b.text = "<"
      c.text = "0.001" .. (c.text:match("^0%.0+(.*)$") or "")
    end
  end
  return inls
end

local function Link(el)
  if el.target:match("^#sec%-") then
    -- Quarto writes "第", a no-break space (U+00A0) and the number
    local text = pandoc.utils.stringify(el.content):gsub("\u{a0}", " ")
    if text:match("^第%s*[%d%.]+$") then
      el.content = pandoc.Inlines({pandoc.Str(text:gsub("%s+", "") :gsub("^第", "第 ") .. " 节")})
      return el
    end
  end
end

local function Table(el)
  if quarto and quarto.doc and quarto.doc.is_format("html") then
    return pandoc.Div({el}, pandoc.Attr("", {"table-scroll"}))
  end
end

-- The rules apply to the document body only, never to its metadata: a file name there
-- (csl: …gb-t-7714-2015-numeric.csl, bibliography) must keep its hyphens.
return {
  {
    Pandoc = function(doc)
      doc.blocks = doc.blocks:walk({Inlines = Inlines}):walk({Str = Str, Link = Link, Table = Table})
      return doc
    end,
  },
}
