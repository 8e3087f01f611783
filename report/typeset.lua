-- The report's typesetting rules, the one implementation both routes run: Quarto after its own
-- filters (`filters: [quarto, report/typeset.lua]` in _quarto.yml), the registry-only route
-- (python -m neoutflow.render) after report/quarto-compat.lua.
--   * a bare number of five or more digits in a table body gets thousands separators
--     (11965 → 11,965), except in a column of identifiers (header 代码, 区划代码, 地区代码, code);
--   * in every text run (prose, tables, captions; code is left as typed) a sign before a number is
--     U+2212, a range between two numbers one en dash U+2013 (2010-2020, 2010—2020, 30～34,
--     2010年—2020年 → 2010–2020 …), and "p = 0.000" reads "p < 0.001"; ISO dates keep their
--     hyphens. Adjacent text runs are joined first, so a range reads the same whether its two
--     ends were typed or inserted by two {{< var >}} shortcodes;
--   * a section reference Quarto writes as "第 N" (or "第&nbsp;N") reads "第 N 章" for a chapter and
--     "第 N.M 节" for a section within one;
--   * in HTML, every table sits in a sideways-scrolling <div class="table-scroll">.
-- These rules only ever see the document's body: never its metadata (file names such as the
-- CSL style's keep their hyphens).
-- neoutflow.formatting.typographic applies the same number rules to the figures' own text
-- (matplotlib labels), which no filter can reach.

local MINUS, DASH = 0x2212, 0x2013
local HYPHEN, DOT, SLASH, COLON, UNDERSCORE = 45, 46, 47, 58, 95
local EMDASH, TILDE, FW_TILDE = 0x2014, 126, 0xFF5E
local NIAN, SUI = 0x5E74, 0x5C81 -- 年, 岁

local function is_digit(c)
  return c ~= nil and c >= 48 and c <= 57
end
local function is_latin(c)
  return c ~= nil and ((c >= 65 and c <= 90) or (c >= 97 and c <= 122))
end
local function is_space(c)
  return c == 32 or c == 9 or c == 0xA0 or c == 0x3000
end

-- ISO dates (2024-01-01) are left alone: the positions they cover
local function iso_dates(text)
  local mask, from = {}, 1
  while true do
    local s, e = text:find("%d%d%d%d%-%d%d%-%d%d", from)
    if not s then
      return mask
    end
    local first = utf8.len(text, 1, s) -- the character index of byte s
    for k = first, first + 9 do
      mask[k] = true
    end
    from = e + 1
  end
end

local function typographic(text)
  if not (text:find("[-~=]") or text:find("\u{2013}") or text:find("\u{2014}") or text:find("～")) then
    return text
  end
  local cs = {}
  for _, c in utf8.codes(text) do
    cs[#cs + 1] = c
  end
  local protected = iso_dates(text)
  -- ranges: a number (optionally followed by 年 or 岁), then "-" or a spaced –, —, ——, ～ or ~,
  -- then a digit; the first number not preceded by a digit, letter, ".", "-", "/", ":" or "_"
  local out, keep = {}, {}
  local function put(c, p)
    local at = #out + 1
    out[at] = c
    keep[at] = p
  end
  local i, n = 1, #cs
  while i <= n do
    local before = cs[i - 1]
    if is_digit(cs[i]) and not protected[i] and not (is_digit(before) or is_latin(before)
      or before == DOT or before == HYPHEN or before == SLASH or before == COLON or before == UNDERSCORE) then
      local j = i
      while is_digit(cs[j]) do
        j = j + 1
      end
      if cs[j] == DOT and is_digit(cs[j + 1]) then
        j = j + 1
        while is_digit(cs[j]) do
          j = j + 1
        end
      end
      if cs[j] == NIAN or cs[j] == SUI then
        j = j + 1
      end
      local k, sep = j, false
      if cs[j] == HYPHEN then
        k, sep = j + 1, true
      else
        local m = j
        while is_space(cs[m]) do
          m = m + 1
        end
        if cs[m] == DASH or cs[m] == TILDE or cs[m] == FW_TILDE then
          m, sep = m + 1, true
        elseif cs[m] == EMDASH then
          m, sep = m + (cs[m + 1] == EMDASH and 2 or 1), true
        end
        if sep then
          while is_space(cs[m]) do
            m = m + 1
          end
          k = m
        end
      end
      for p = i, j - 1 do
        put(cs[p], protected[p])
      end
      if sep and is_digit(cs[k]) and not protected[j] then
        put(DASH, false)
        for p = j, k - 1 do -- what the dash replaced stays out
          protected[p] = nil
        end
        i = k
      else
        i = j
      end
    else
      put(cs[i], protected[i])
      i = i + 1
    end
  end
  -- a sign: "-" before a digit, not inside a word, number or range
  for p = 1, #out do
    local b = out[p - 1]
    if out[p] == HYPHEN and not keep[p] and is_digit(out[p + 1]) and not (is_digit(b) or is_latin(b)
      or b == UNDERSCORE or b == DOT or b == HYPHEN or b == DASH or b == EMDASH or b == SLASH) then
      out[p] = MINUS
    end
  end
  text = utf8.char(table.unpack(out))
  -- "p = 0.000" (a rounded zero): "p < 0.001"
  return (text:gsub("()([pP])%s*=%s*0%.0+()", function(s, p, e)
    local b = s > 1 and text:sub(s - 1, s - 1) or ""
    if b:match("[%w_]") or is_digit(text:byte(e)) then
      return nil
    end
    return p .. " < 0.001"
  end))
end

-- "p = 0.000" over three words: p, =, 0.000 (true when it changed one)
local function p_zero(inls)
  local changed = false
  for i = 1, #inls - 4 do
    local a, b, c = inls[i], inls[i + 2], inls[i + 4]
    if a.t == "Str" and b.t == "Str" and c.t == "Str" and inls[i + 1].t == "Space" and inls[i + 3].t == "Space"
      and a.text:match("[pP]$") and b.text == "=" and c.text:match("^0%.0+") then
      local rest = c.text:match("^0%.0+(.*)$") -- the zeros taken greedily: rest starts after them
      if not rest:match("^%d") then
        inls[i + 2] = pandoc.Str("<")
        inls[i + 4] = pandoc.Str("0.001" .. rest)
        changed = true
      end
    end
  end
  return changed
end

-- adjacent Str elements joined, then the rules on each (nil when nothing changed)
local function text_runs(inls)
  local out, changed = inls, false
  for i = 2, #inls do
    if inls[i].t == "Str" and inls[i - 1].t == "Str" then
      changed = true
      break
    end
  end
  if changed then
    out = pandoc.Inlines({})
    for _, el in ipairs(inls) do
      local last = out[#out]
      if el.t == "Str" and last and last.t == "Str" then
        out[#out] = pandoc.Str(last.text .. el.text)
      else
        out:insert(el)
      end
    end
  end
  changed = p_zero(out) or changed
  -- A caption reads "表 1：标题": Quarto writes 表, U+00A0, 1, "：" and then a space (HTML).
  for i = #out - 1, 1, -1 do
    local el = out[i]
    if el.t == "Str" and out[i + 1].t == "Space" and el.text:match("\u{a0}[%d%.]+：$")
      and (el.text:match("^表") or el.text:match("^图")) then
      out:remove(i + 1)
      changed = true
    end
  end
  for i, el in ipairs(out) do
    if el.t == "Str" then
      local new = typographic(el.text)
      if new ~= el.text then
        out[i] = pandoc.Str(new)
        changed = true
      end
    end
  end
  return changed and out or nil
end

local IDENTIFIER_HEADERS = { ["代码"] = true, ["区划代码"] = true, ["地区代码"] = true, code = true }

local function group_thousands(el)
  local sign, digits, frac = el.text:match("^([−-]?)(%d%d%d%d%d+)(%.?%d*)$")
  if digits and (frac == "" or frac:match("^%.%d+$")) then
    el.text = sign .. digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "") .. frac
    return el
  end
end

local function thousands(tbl)
  local skip = {}
  for _, row in ipairs(tbl.head.rows) do
    for j, cell in ipairs(row.cells) do
      if IDENTIFIER_HEADERS[pandoc.utils.stringify(cell.contents)] then
        skip[j] = true
      end
    end
  end
  local bodies = tbl.bodies
  for _, body in ipairs(bodies) do
    for _, row in ipairs(body.body) do
      for j, cell in ipairs(row.cells) do
        if not skip[j] then
          cell.contents = cell.contents:walk({ Str = group_thousands })
        end
      end
    end
  end
  tbl.bodies = bodies
  return tbl
end

local function section_link(el)
  if el.target:match("^#sec%-") then
    local text = pandoc.utils.stringify(el.content):gsub("\u{a0}", " "):gsub("&nbsp;", " ")
    local number = text:match("^第%s*([%d%.]+)$")
    if number then
      -- a chapter (one number) is 第 N 章, a section within it 第 N.M 节
      local unit = number:find("%.") and " 节" or " 章"
      el.content = pandoc.Inlines({ pandoc.Str("第 " .. number .. unit) })
      return el
    end
  end
end

local function scroll(el)
  if FORMAT:match("html") then
    return pandoc.Div({ el }, pandoc.Attr("", { "table-scroll" }))
  end
end

-- Word: Quarto sets each figure and table in a one-cell layout table, which the reference
-- document's three-line table style would rule like a data table; the float (its labelled div,
-- the link target) stands on its own instead, as pandoc writes it on the registry-only route.
local function unwrap_float(el)
  if FORMAT ~= "docx" or #el.colspecs ~= 1 or #el.head.rows ~= 0 or #el.bodies ~= 1 or #el.bodies[1].body ~= 1 then
    return nil
  end
  local cells = el.bodies[1].body[1].cells
  local inner = #cells == 1 and #cells[1].contents == 1 and cells[1].contents[1]
  if inner and inner.t == "Div" and (inner.identifier:match("^fig%-") or inner.identifier:match("^tbl%-")) then
    return inner
  end
end

local passes = {
  { Table = unwrap_float },
  { Table = thousands },
  { Inlines = text_runs, Link = section_link },
  { Table = scroll },
}

-- the body only: the metadata (file names such as the CSL style's 7714-2015) is never touched
return {
  {
    Pandoc = function(doc)
      for _, pass in ipairs(passes) do
        doc.blocks = doc.blocks:walk(pass)
      end
      return doc
    end,
  },
}
