-- Table layout for the PDF (Typst only; after report/typeset.lua), used with the `neo-table`
-- wrapper of src/neoutflow/render/templates/typst-template.typ:
--   * column widths from the cells: a body cell never wraps unless its column holds running
--     text, and a header wraps into balanced lines (never one character on a line);
--   * a regression table's coefficient row and its standard-error row share one unbreakable
--     label cell (rowspan 2), so a page break never separates them;
--   * a zero-width first column groups the first three and the last three body rows in
--     unbreakable cells, so a continued table leaves at least three rows on each page; a table
--     short enough to fit on a page is not broken at all, and floats to the top or bottom of a
--     page (text fills the page before it). The header row repeats on every page, under "续表 N"
--     on every page after the first;
--   * a table's notes (paragraphs opening 注 or 资料来源 right after it) are set inside its block, so
--     that a note is set on the page of the table's last rows.
if FORMAT ~= "typst" then
  return {}
end

local TABLE_MEASURE_EM = 51.4 -- A4 text width 16.2 cm (459 pt) at 0.85 × 10.5 pt
local CELL_PAD_EM = 0.9 -- left + right inset of a cell (neo-table: 0.45em each)
local TEXT_COLUMN_EM = 14.0 -- a column whose widest cell is longer than this holds running text
local MIN_TEXT_COLUMN_EM = 7.0
local SAFETY_EM = 0.5
local SHORT_TABLE_LINES = 40 -- at most this many lines: the table is kept on one page
local COMPACT = 0.9 -- a table a little too wide is set at 90% of the table type size
local LANDSCAPE_MEASURE_EM = 76.3 -- the text height, 24.0 cm, as the measure of a turned table
local LANDSCAPE_LINES = 32 -- a table too wide for the page is turned if it has at most this many lines
local EDGE_ROWS = 3 -- no page of a continued table holds fewer rows
-- A table set whole floats to the top or bottom of a page, as figures do. (Under Quarto, whose float Div
-- puts the table inside a figure, the float is the block around that figure and its notes: keep_notes.)
local FLOAT = "#place(auto, float: true, clearance: 1.4em)[#set align(start)\n"
local IN_QUARTO = quarto ~= nil

local NARROW = {}
for ch in ("il.,:;'|()[]"):gmatch(".") do
  NARROW[ch:byte()] = true
end

local function is_cjk(c)
  return (c >= 0x2E80 and c <= 0x9FFF) or (c >= 0xFF00 and c <= 0xFFEF) or (c >= 0xF900 and c <= 0xFAFF)
end

-- width of a text in ems: CJK and full-width characters 1, Latin letters and digits about 0.55
local function text_width(text)
  local w = 0.0
  for _, c in utf8.codes(text) do
    w = w + (is_cjk(c) and 1.0 or (c == 32 or NARROW[c]) and 0.3 or 0.56)
  end
  return w
end

-- width of the longest run that cannot be broken (a Latin word or a number)
local function longest_unbreakable(text)
  local best, run = nil, {}
  local function close()
    if #run > 0 then
      local w = text_width(utf8.char(table.unpack(run)))
      best = (best == nil or w > best) and w or best
      run = {}
    end
  end
  for _, c in utf8.codes(text) do
    if (c < 128 and string.char(c):match("[%w%.,%%%+%-()/]")) or c == 0x2212 or c == 0x2013 then
      run[#run + 1] = c
    else
      close()
    end
  end
  close()
  return best or 1.0
end

-- the widest piece of a header cell that report/typeset.lua set whole (#neo-nobr[…]), or nil
local function widest_piece(cell)
  local best, piece = nil, nil
  for _, block in ipairs(cell.contents) do
    for _, el in ipairs(block.content or {}) do
      if el.t == "RawInline" and el.text == "#neo-nobr[" then
        piece = {}
      elseif el.t == "RawInline" and el.text == "]" and piece then
        local w = text_width(table.concat(piece))
        best, piece = (best == nil or w > best) and w or best, nil
      elseif piece then
        piece[#piece + 1] = pandoc.utils.stringify(el)
      end
    end
  end
  return best
end

local function balanced(head, floor, lines, word)
  return math.max(floor, word + 0.3, head / lines + 1.2)
end

local function column_widths(header, body, pieces, measure)
  local n = #header
  local natural, head, slack, text_col, floor, widths, lines = {}, {}, {}, {}, {}, {}, {}
  for i = 1, n do
    local nat = 0.0
    for _, row in ipairs(body) do
      if row[i] then
        nat = math.max(nat, text_width(row[i]))
      end
    end
    natural[i] = nat + SAFETY_EM
    head[i] = text_width(header[i]) * 1.04 -- headers are set in the (wider) sans face
    slack[i] = pieces[i] or longest_unbreakable(header[i])
    text_col[i] = natural[i] > TEXT_COLUMN_EM
    floor[i] = text_col[i] and MIN_TEXT_COLUMN_EM or math.max(natural[i], 2.0)
    widths[i] = math.max(natural[i], head[i])
    lines[i] = 1
  end
  local function total()
    local s = 0.0
    for i = 1, n do
      s = s + widths[i]
    end
    return s
  end
  local room = measure - CELL_PAD_EM * n
  -- 1. wrap the headers, the widest first, into balanced lines
  while n > 0 and total() > room do
    local best, gain = 1, -math.huge
    for i = 1, n do
      local g = 0.0
      if not text_col[i] and head[i] / (lines[i] + 1) >= 2.0 then
        g = widths[i] - balanced(head[i], natural[i], lines[i] + 1, slack[i])
      end
      if g > gain then
        best, gain = i, g
      end
    end
    if gain <= 0.01 then
      break
    end
    lines[best] = lines[best] + 1
    widths[best] = balanced(head[best], natural[best], lines[best], slack[best])
  end
  -- 2. running-text columns give up room, down to their floor
  local excess = total() - room
  if excess > 0 then
    local give, sum = {}, 0.0
    for i = 1, n do
      give[i] = text_col[i] and math.max(0.0, widths[i] - floor[i]) or 0.0
      sum = sum + give[i]
    end
    if sum > 0 then
      local share = math.min(1.0, excess / sum)
      for i = 1, n do
        widths[i] = widths[i] - give[i] * share
      end
    end
  end
  -- 3. last resort: everything in proportion, except the first column of names (regions,
  -- variables), which keeps its width: a region name is never broken ("黑/龙/江")
  -- (above the widest piece of its header, which is set whole)
  local t = total()
  local keep = (n > 1 and not text_col[1]) and math.min(widths[1], 0.4 * room) or 0.0
  local hard, above = {}, 0.0
  for i = 1, n do
    -- (a body cell is not wrapped, unless its column holds running text)
    hard[i] = (i == 1 and keep > 0) and keep
      or text_col[i] and floor[i]
      or math.max(natural[i], math.min(widths[i], slack[i] + 0.3))
    above = above + widths[i] - hard[i]
  end
  local spare = room
  for i = 1, n do
    spare = spare - hard[i]
  end
  local scale = (t > room and above > 0) and math.max(0.0, spare / above) or 1.0
  local out = {}
  for i = 1, n do
    local w = t > room and hard[i] + (widths[i] - hard[i]) * scale or widths[i]
    out[i] = math.floor((w + CELL_PAD_EM) / measure * 1e4) / 1e4 -- rounded down: sum <= 1
  end
  return out, spare < -0.01
end

local function cell_text(cell)
  return (pandoc.utils.stringify(cell.contents):gsub("^%s+", ""):gsub("%s+$", ""))
end

local function estimated_lines(header, body, widths)
  local function lines(text, frac)
    local room = math.max(1.0, frac * TABLE_MEASURE_EM - CELL_PAD_EM)
    return math.max(1, math.ceil(text_width(text) / room - 1e-9))
  end
  local function row_lines(row)
    local m = 1
    for i, w in ipairs(widths) do
      if row[i] then
        m = math.max(m, lines(row[i], w))
      end
    end
    return m
  end
  local count = row_lines(header)
  for _, row in ipairs(body) do
    count = count + row_lines(row)
  end
  return count
end

-- each coefficient row's label cell spans the standard-error row beneath
local function pair_standard_errors(rows)
  for k = 1, #rows - 1 do
    local upper, lower = rows[k].cells, rows[k + 1].cells
    if #upper >= 2 and #lower == #upper and upper[1].row_span == 1 and cell_text(upper[1]) ~= ""
      and cell_text(lower[1]) == "" then
      local any, all = false, true
      for j = 2, #lower do
        local t = cell_text(lower[j])
        any = any or t ~= ""
        all = all and (t == "" or t:sub(1, 1) == "(")
      end
      if any and all then
        upper[1].row_span = 2
        lower:remove(1)
      end
    end
  end
end

-- the zero-width first column whose cells bind the first and last rows together
local function group_edge_rows(head, specs, rows)
  local n, spans, covered = #rows, {}, {}
  if n >= 2 * EDGE_ROWS + 1 then
    spans = { [1] = EDGE_ROWS, [n - EDGE_ROWS + 1] = EDGE_ROWS }
  end
  for start, span in pairs(spans) do
    for k = start + 1, start + span - 1 do
      covered[k] = true
    end
  end
  for k, row in ipairs(rows) do
    if not covered[k] then
      row.cells:insert(1, pandoc.Cell({}, "AlignDefault", spans[k] or 1, 1))
    end
  end
  for _, row in ipairs(head.rows) do
    row.cells:insert(1, pandoc.Cell({}))
  end
  specs:insert(1, { "AlignLeft", 0.0 })
end

local function table_layout(tbl)
  local head, bodies, specs, rows = tbl.head, tbl.bodies, tbl.colspecs, pandoc.List()
  local head_rows = head.rows
  for _, body in ipairs(bodies) do
    rows:extend(body.body)
  end
  local header, pieces = {}, {}
  for i = 1, #specs do
    local cell = #head_rows > 0 and head_rows[#head_rows].cells[i]
    header[i] = cell and cell_text(cell) or ""
    pieces[i] = cell and widest_piece(cell) or nil
  end
  local cells = {}
  for k, row in ipairs(rows) do
    cells[k] = {}
    for i, cell in ipairs(row.cells) do
      cells[k][i] = cell_text(cell)
    end
  end
  local widths, overflow = column_widths(header, cells, pieces, TABLE_MEASURE_EM)
  local compact, landscape = false, false
  if overflow then -- a little too wide: set in smaller type (the measure holds more ems)
    widths, overflow = column_widths(header, cells, pieces, TABLE_MEASURE_EM / COMPACT)
    compact = true
  end
  if overflow and estimated_lines(header, cells, widths) <= LANDSCAPE_LINES then
    -- far too wide for the page, short enough to turn: set across the page
    widths = column_widths(header, cells, pieces, LANDSCAPE_MEASURE_EM)
    compact, landscape = false, true
  end
  for i, spec in ipairs(specs) do
    specs[i] = { spec[1], widths[i] }
  end
  local short = estimated_lines(header, cells, widths) <= SHORT_TABLE_LINES
  pair_standard_errors(rows)
  group_edge_rows(head, specs, rows)
  tbl.head, tbl.bodies, tbl.colspecs = head, bodies, specs
  local number = pandoc.utils.stringify(tbl.caption.long or {}):match("^表[%s\194\160]*([%d%.]+)")
  local args = "breakable: " .. ((short or landscape) and "false" or "true")
    .. (number and (', number: "' .. number .. '"') or "") .. (landscape and ", landscape: true" or "")
    .. (compact and ", compact: true" or "")
  -- a table set whole floats, so that text fills the page before it instead of a gap where it did not fit
  local float = ((short or landscape) and not IN_QUARTO) and FLOAT or ""
  local out = pandoc.Blocks({})
  if float == "" and not IN_QUARTO then
    -- a table in the flow (one that may break) comes after the floats before it: it never overtakes them
    out:insert(pandoc.RawBlock("typst", "#place.flush()"))
  end
  out:insert(pandoc.RawBlock("typst", float .. "#neo-table(" .. args .. ")["))
  out:insert(tbl)
  out:insert(pandoc.RawBlock("typst", float ~= "" and "]]" or "]"))
  return out
end

-- a paragraph that opens with 注 or 资料来源 right after a table is the table's note
local function is_note(block)
  if block == nil or block.t ~= "Para" then
    return false
  end
  local text = pandoc.utils.stringify(block)
  return text:sub(1, #"注") == "注" or text:sub(1, #"资料来源") == "资料来源"
end

-- the neo-table call inside a Quarto table float (a Div), or nil
local function quarto_table(div)
  for _, c in ipairs(div.content) do
    if c.t == "RawBlock" and c.format == "typst" and c.text:match("^#neo%-table%(") then
      return c.text
    end
  end
end

-- the table's notes from blocks[k] on, then ``close`` (the end of its block): the notes are set inside the
-- table's block, so that they follow its last rows on their page; returns the index after the notes
local function notes_and_close(out, blocks, k, close)
  while is_note(blocks[k]) do
    out:insert(blocks[k])
    k = k + 1
  end
  out:insert(close)
  return k
end

-- A table's notes stay with it, inside its block: a table set whole (short or turned) keeps them on its
-- page (a turned table turns with them); a long table, which may break, ends with them. (A sticky block
-- would do the same for a long table, but Typst moves a sticky block whole to the next page that holds
-- it with what follows, leaving the page before it part empty.)
local function keep_notes(blocks)
  local out, k = pandoc.Blocks({}), 1
  while k <= #blocks do
    local b = blocks[k]
    if b.t == "RawBlock" and b.format == "typst" and b.text:match("#neo%-table%([^\n]*%[$") and is_note(blocks[k + 3]) then
      out:insert(b)
      out:insert(blocks[k + 1])
      k = notes_and_close(out, blocks, k + 3, blocks[k + 2])
    elseif b.t == "Div" and is_note(blocks[k + 1]) and quarto_table(b) then
      -- Quarto's float (a Div around the table): a block around the float and its notes
      local whole = quarto_table(b):match("breakable: false") ~= nil
      out:insert(pandoc.RawBlock("typst", (whole and FLOAT or "#place.flush()\n") .. "#block(breakable: "
        .. (whole and "false" or "true") .. ", width: 100%)["))
      out:insert(b)
      k = notes_and_close(out, blocks, k + 1, pandoc.RawBlock("typst", whole and "]]" or "]"))
    else
      out:insert(b)
      k = k + 1
    end
  end
  return out
end

-- Typst places a float inside a block within that block, not on the page: a table floated inside a
-- Div (Typst's #block, e.g. the `.comparison` mark around the all-provinces table, which only the HTML
-- shows) waits for the block's next region, so the text after it stops and the page ends part empty.
-- A Div without an identifier that holds a floated table adds nothing to the PDF and is unwrapped.
local function unwrap_float_holder(div)
  if div.identifier ~= "" then
    return nil
  end
  for _, b in ipairs(div.content) do
    if b.t == "RawBlock" and b.format == "typst" and b.text:sub(1, #FLOAT) == FLOAT then
      return div.content
    end
  end
  return nil
end

-- The first table floated after a chapter heading goes to the bottom of a page, not to the top: placed at
-- the top of the page where the chapter begins mid-page, it would stand above the chapter's own heading.
local FLOAT_BOTTOM = FLOAT:gsub("^#place%(auto,", "#place(bottom,")
local after_chapter = false
local function chapter_heading(h)
  if h.level == 1 then
    after_chapter = true
  end
end
local function first_float_below(b)
  -- (a table turned across a page fills that page: it keeps its automatic placement)
  if after_chapter and b.format == "typst" and b.text:sub(1, #FLOAT) == FLOAT and not b.text:find("landscape: true", 1, true) then
    after_chapter = false
    return pandoc.RawBlock("typst", FLOAT_BOTTOM .. b.text:sub(#FLOAT + 1))
  end
end

return {
  { Table = table_layout },
  { Blocks = keep_notes },
  { Div = unwrap_float_holder },
  { traverse = "topdown", Header = chapter_heading, RawBlock = first_float_below },
}
