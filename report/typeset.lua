-- The report's typesetting rules, the one implementation both routes run: Quarto after its own
-- filters (`filters: [quarto, report/typeset.lua]` in _quarto.yml), the registry-only route
-- (python -m neoutflow.render) after report/quarto-compat.lua.
--   * a number of four or more digits in a table body gets thousands separators (9890 → 9,890,
--     11965 → 11,965, (1234.5) → (1,234.5)), except in a column of identifiers (header 代码,
--     区划代码, 地区代码, code) or of years (every number in it a whole year, 1900–2100);
--   * no space between two CJK characters or between a CJK character and a cross-reference; a
--     no-break space between a number and 万 and around the relation in "p = 0.841";
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
local NBSP = "\u{a0}"
local WAN = "万"
-- units that follow a number with a (no-break) space in the prose, besides 万
local ATTACHED_UNITS = { "岁", "倍", "个" }
local IS_TYPST = FORMAT:match("typst") ~= nil
local LIST_MARKS = { "、", "，", "；" }
local ZWSP = "\u{200B}"

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
    return p .. NBSP .. "<" .. NBSP .. "0.001"
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
        inls[i + 2] = pandoc.Str("<") -- (joined by no-break spaces in cjk_spacing)
        inls[i + 4] = pandoc.Str("0.001" .. rest)
        changed = true
      end
    end
  end
  return changed
end

-- CJK ideographs and punctuation, full-width forms
local function is_cjk(c)
  return c ~= nil and ((c >= 0x2E80 and c <= 0x9FFF) or (c >= 0x3000 and c <= 0x303F)
    or (c >= 0xFF00 and c <= 0xFFEF) or (c >= 0xF900 and c <= 0xFAFF))
end

local function first_char(text)
  for _, c in utf8.codes(text) do
    return c
  end
end

local function last_char(text)
  local last
  for _, c in utf8.codes(text) do
    last = c
  end
  return last
end

-- a cross-reference as the engine writes it: a link to #tbl-/#fig-/#sec-/#eq-, a citation of such
-- a label, or Quarto's Typst reference (raw "@tbl-…" or "#ref(<tbl-…>)")
local CROSSREF_KINDS = { tbl = true, fig = true, sec = true, eq = true }
local function crossref_kind(el)
  local id
  if el.t == "Link" then
    id = el.target:match("^#?(%a+)%-")
  elseif el.t == "Cite" then
    id = (el.citations[1].id or ""):match("^(%a+)%-")
  elseif el.t == "RawInline" then
    id = el.text:match("^@(%a+)%-") or el.text:match("^#ref%(<(%a+)%-")
  end
  return CROSSREF_KINDS[id or ""] and id or nil
end

local function is_crossref(el)
  return crossref_kind(el) ~= nil
end

local function edge_text(el)
  if el.t == "Str" then
    return el.text
  elseif el.t == "RawInline" or el.t == "Space" or el.t == "SoftBreak" or el.t == "LineBreak" then
    return ""
  end
  return pandoc.utils.stringify(el)
end

-- Spaces around inserted values, as Chinese text sets them:
--   * no space between two CJK characters ("−956.9 万 的" → "−956.9 万的"), nor between a CJK
--     character and a cross-reference ("见 表 29" → "见表 29");
--   * a no-break space between a number and 万 ("−340.5万", "−340.5 万" → "−340.5 万", never
--     broken across lines), or 岁, 倍, 个 written against it ("76.38岁" → "76.38 岁"), and around the
--     relation of "p = 0.841", "N = 31", "p < 0.001".
-- (true when it changed something)
local RELATIONS = { ["="] = true, ["<"] = true, [">"] = true, ["≤"] = true, ["≥"] = true, ["≈"] = true }
-- each Str of ``inls`` through ``fn`` (text to text), in place; whether any changed
local function map_str(inls, fn)
  local changed = false
  for i, el in ipairs(inls) do
    if el.t == "Str" then
      local new = fn(el.text)
      if new ~= el.text then
        inls[i] = pandoc.Str(new)
        changed = true
      end
    end
  end
  return changed
end

local function cjk_spacing(out)
  local changed = false
  local i = 2
  while i < #out do
    local prev, el, nxt = out[i - 1], out[i], out[i + 1]
    if el.t == "Space" or el.t == "SoftBreak" then
      local a, b = last_char(edge_text(prev)), first_char(edge_text(nxt))
      -- Quarto's Typst reference is three inlines: #ref(<sec-…>, supplement: [ · 第 · ])
      local ref = prev
      if prev.t == "RawInline" and prev.text == "])" and out[i - 3] and out[i - 3].t == "RawInline" then
        ref = out[i - 3]
      end
      if crossref_kind(ref) == "sec" then
        a = utf8.codepoint("节") -- a reference to a section reads "第 N 节", however it is written
      end
      if prev.t == "Str" and nxt.t == "Str" and (is_digit(a) or a == 0x25) and nxt.text:sub(1, #WAN) == WAN then
        out[i - 1] = pandoc.Str(prev.text .. NBSP .. nxt.text)
        out:remove(i + 1)
        out:remove(i)
        changed = true
      elseif is_cjk(a) and (is_cjk(b) or is_crossref(nxt)) then
        out:remove(i)
        changed = true
      elseif prev.t == "Str" and nxt.t == "Str" and RELATIONS[nxt.text] and out[i + 2]
        and (out[i + 2].t == "Space") and out[i + 3] and out[i + 3].t == "Str" and prev.text:match("[%w²)]$") then
        out[i - 1] = pandoc.Str(prev.text .. NBSP .. nxt.text .. NBSP .. out[i + 3].text)
        for _ = 1, 4 do
          out:remove(i)
        end
        changed = true
      else
        i = i + 1
      end
    else
      i = i + 1
    end
  end
  -- a number written against its unit inside one word ("−340.5万", "76.38岁", "6.5倍", "+1.8个百分点"): the
  -- unit set apart by a no-break space, as the prose writes "76.5 岁" (not 年: "2010年" in a header stays whole)
  return map_str(out, function(s)
    s = s:gsub("([%d%%])" .. WAN, "%1" .. NBSP .. WAN)
    for _, unit in ipairs(ATTACHED_UNITS) do
      s = s:gsub("(%d)" .. unit, "%1" .. NBSP .. unit)
    end
    if IS_TYPST then
      -- Typst does not break between 、，； and a signed number ("−3.7%、−1.5%、…" would stretch a line
      -- to fit a whole list): a zero-width space there allows the break, as after 、 before an unsigned one
      for _, mark in ipairs(LIST_MARKS) do
        for _, sign in ipairs({ "−", "%+", "%-" }) do -- U+2212, +, and a hyphen-minus not yet set as U+2212
          s = s:gsub(mark .. "(" .. sign .. "%d)", mark .. ZWSP .. "%1")
        end
      end
    end
    return s
  end) or changed
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
  changed = cjk_spacing(out) or changed
  changed = map_str(out, typographic) or changed
  return changed and out or nil
end

local IDENTIFIER_HEADERS = { ["代码"] = true, ["区划代码"] = true, ["地区代码"] = true, code = true }

-- a number in a cell: an optional bracket and sign, the digits and decimals, then stars, % or a
-- bracket (nil when the word is not such a number)
local function number_cell(text)
  local pre = ""
  for _, set in ipairs({ { "(", "（" }, { "-", "−" } }) do
    for _, p in ipairs(set) do
      if text:sub(1, #p) == p then
        pre, text = pre .. p, text:sub(#p + 1)
        break
      end
    end
  end
  local digits, frac, post = text:match("^(%d+)(%.?%d*)(.*)$")
  if digits and (frac == "" or frac:match("^%.%d+$")) and post:gsub("）", ""):match("^[%)%%*]*$") then
    return pre, digits, frac, post
  end
end

local function group_thousands(el)
  local pre, digits, frac, post = number_cell(el.text)
  if digits and #digits >= 4 then
    el.text = pre .. digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "") .. frac .. post
    return el
  end
end

-- a column whose every number is a whole year (1900–2100): its numbers are years, not counts
local function year_column(bodies, j)
  local years = false
  for _, body in ipairs(bodies) do
    for _, row in ipairs(body.body) do
      local cell = row.cells[j]
      if cell then
        local ok = true
        cell.contents:walk({
          Str = function(el)
            local _, digits, frac = number_cell(el.text)
            if digits then
              local n = tonumber(digits)
              if frac ~= "" or #digits ~= 4 or n < 1900 or n > 2100 then
                ok = false
              else
                years = true
              end
            end
          end,
        })
        if not ok then
          return false
        end
      end
    end
  end
  return years
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
  for j = 1, #tbl.colspecs do
    skip[j] = skip[j] or year_column(bodies, j)
  end
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

-- Header cells break only where a reader would: at a space written between two CJK words
-- ("全国 中位数": the space is a break point and is not shown) or at any other space not after
-- a number ("60 岁" and "80% 区间" stay whole), before "（" or "(", after "）", ")", "/", "、",
-- "，" or "：", and before a word of BREAK_BEFORE. Every piece in between is set whole (Typst: neo-nobr of the Typst
-- partial; HTML: white-space: nowrap), so "全国中位数" never reads "全国中/位数".
local MAX_PIECE = 8 -- characters: a longer piece (no break point in it) may break anywhere
-- Words a table header may break before (after at least two characters of another word): the
-- header "2010年常住人口（万人）" breaks as 2010年 / 常住人口 / （万人）, never 常住人/口.
-- (tests/support/pdf_pages.py reads this list: a break before one of them is not a broken word.)
local BREAK_BEFORE = {
  "常住", "净迁移", "净迁入", "净流出", "净流入", "迁移率", "合计", "推算", "样本", "排名",
  "位次", "期望", "占比", "比重", "区间", "变化", "中位数", "最大值", "最小值", "平均", "预测", "增长",
  "存量", "系数", "检验", "差异", "误差", "拟合", "基准", "情景", "残差法", "模型", "估计",
  "显著", "判断", "之差", "抚养比", "固定效应", "特征", "交互项", "流入", "流出", "年龄组", "单位",
}

-- what follows a number as its unit in a header, never set apart from it: 60 岁, 2010 年, 80% 区间
local UNITS = {}
for _, c in utf8.codes("岁年省万人个区") do
  UNITS[c] = true
end

local function header_pieces(text)
  local pieces, cur = {}, {}
  local cs = {}
  for _, c in utf8.codes(text) do
    cs[#cs + 1] = c
  end
  local function close()
    if #cur > 0 then
      pieces[#pieces + 1] = utf8.char(table.unpack(cur))
      cur = {}
    end
  end
  local function word_starts(k)
    if #cur < 2 or not is_cjk(cs[k - 1]) or (cs[k + 1] and not is_cjk(cs[k + 1])) then
      return false
    end
    local rest = utf8.char(table.unpack(cs, k, math.min(#cs, k + 3)))
    for _, w in ipairs(BREAK_BEFORE) do
      if rest:sub(1, #w) == w then
        return true
      end
    end
    return false
  end
  local depth = 0 -- inside brackets
  for k, c in ipairs(cs) do
    depth = depth + ((c == 0xFF08 or c == 40) and 1 or (c == 0xFF09 or c == 41) and -1 or 0)
    if c == 32 and is_cjk(cs[k - 1]) and is_cjk(cs[k + 1]) then
      close()
    elseif c == 32 and depth == 0 and not ((is_digit(cs[k - 1]) or cs[k - 1] == 0x25) and UNITS[cs[k + 1]]) then
      -- (not "60 岁", "80% 区间", "（p 值）")
      close()
      cur[1] = c -- (a space kept in sight: the next piece opens with it)
    else
      if ((c == 0xFF08 or c == 40) and #cur > 0) or word_starts(k) then -- （ ( or a word
        close()
      end
      cur[#cur + 1] = c
      if c == 0xFF09 or c == 41 or c == SLASH or c == 0x3001 or c == 0xFF0C or c == 0xFF1A then -- ） ) / 、 ， ：
        close()
      end
    end
  end
  close()
  return pieces
end

local function plain_cell(cell)
  for _, block in ipairs(cell.contents) do
    if block.t ~= "Plain" and block.t ~= "Para" then
      return false
    end
    for _, el in ipairs(block.content) do
      if el.t ~= "Str" and el.t ~= "Space" then
        return false
      end
    end
  end
  return true
end

local function header_breaks(tbl)
  local typst, html = FORMAT == "typst", FORMAT:match("html") ~= nil
  if not (typst or html) then
    return tbl
  end
  local open = typst and "#neo-nobr[" or '<span class="nobr" style="white-space:nowrap">'
  local close = typst and "]" or "</span>"
  local head = tbl.head
  for _, row in ipairs(head.rows) do
    for _, cell in ipairs(row.cells) do
      if plain_cell(cell) and #cell.contents > 0 then
        local inls = pandoc.Inlines({})
        local raw = typst and "typst" or "html"
        for _, piece in ipairs(header_pieces(pandoc.utils.stringify(cell.contents))) do
          if piece:match("^%s") and #inls > 0 then
            inls:insert(pandoc.Space())
          end
          piece = piece:gsub("^%s+", ""):gsub("%s+$", "")
          if utf8.len(piece) > MAX_PIECE then -- no break point written: left to the engine
            inls:insert(pandoc.Str(piece))
          elseif piece ~= "" then
            inls:extend({ pandoc.RawInline(raw, open), pandoc.Str(piece), pandoc.RawInline(raw, close) })
          end
        end
        cell.contents = pandoc.Blocks({ pandoc.Plain(inls) })
      end
    end
  end
  tbl.head = head
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
  { Table = function(tbl)
    return header_breaks(thousands(tbl))
  end },
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
