--[[
Front matter and clean text, for the PDF and the HTML of both render routes (after typeset.lua):

- a section whose heading says `lang="en"` (the English abstract) is set as English: in the PDF a
  Latin face (neo-latin, typst-template.typ) with `lang: "en"` and straight quotes as typed; in the
  HTML a `lang="en"` block (report.css gives it a Latin face, ragged right) with straight
  apostrophes instead of the curly ones pandoc's smart typography made;
- the PDF's main matter begins before the first numbered chapter: arabic page numbers from 1 and
  the running header from there on (the title page, contents and abstracts are numbered i, ii …);
- letters written as Unicode subscripts that the embedded fonts lack ("R²ⱼ") are set as a
  subscript of the plain letter, so no character falls outside the fonts the PDF and HTML embed;
- no zero-width space reaches the text a reader copies: the break hints in long file names
  (U+200B) become nothing in the PDF (Typst breaks such names itself) and `<wbr>` in the HTML.
]]

local ZWSP = "\226\128\139"
local typst = FORMAT:match("typst") ~= nil
local html = FORMAT:match("html") ~= nil

local function english(blocks)
  if typst then
    local open = '#block(width: 100%)[#set text(font: neo-latin, lang: "en", region: none)\n'
      .. "#set smartquote(enabled: false)\n"
    local out = pandoc.List({ pandoc.RawBlock("typst", open) })
    out:extend(blocks)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
  blocks = pandoc.Blocks(blocks):walk({
    Str = function(s)
      return pandoc.Str((s.text:gsub("\226\128\153", "'")))
    end,
  })
  return pandoc.List({ pandoc.Div(blocks, pandoc.Attr("", { "lang-en" }, { lang = "en" })) })
end

-- the blocks of each `lang="en"` section (up to the next heading of the same or a higher level)
local function english_sections(blocks)
  local out, i = pandoc.List(), 1
  while i <= #blocks do
    local b = blocks[i]
    if b.t == "Header" and b.attributes.lang == "en" then
      out:insert(b)
      local body = pandoc.List()
      i = i + 1
      while i <= #blocks and not (blocks[i].t == "Header" and blocks[i].level <= b.level) do
        body:insert(blocks[i])
        i = i + 1
      end
      out:extend(english(body))
    else
      out:insert(b)
      i = i + 1
    end
  end
  return out
end

local MAINMATTER = "#pagebreak(weak: true)\n#set page(numbering: \"1\")\n#counter(page).update(1)\n"
  .. "#neo-main.update(true)"

local function mainmatter(blocks)
  for i, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 and not b.classes:includes("unnumbered") then
      blocks:insert(i, pandoc.RawBlock("typst", MAINMATTER))
      return blocks
    end
  end
  return blocks
end

-- subscript letters missing from the Noto CJK faces (a digit subscript, ₀–₉, they have)
local SUBSCRIPTS = { ["ⱼ"] = "j", ["ᵢ"] = "i", ["ₖ"] = "k", ["ₜ"] = "t", ["ₙ"] = "n" }

local function subscripts(text)
  local out, rest, found = pandoc.List(), text, false
  while true do
    local first, stop, plain
    for mark, letter in pairs(SUBSCRIPTS) do
      local a, b = rest:find(mark, 1, true)
      if a and (not first or a < first) then
        first, stop, plain = a, b, letter
      end
    end
    if not first then
      break
    end
    found = true
    if first > 1 then
      out:insert(pandoc.Str(rest:sub(1, first - 1)))
    end
    out:insert(pandoc.Subscript({ pandoc.Str(plain) }))
    rest = rest:sub(stop + 1)
  end
  if not found then
    return nil
  end
  if rest ~= "" then
    out:insert(pandoc.Str(rest))
  end
  return out
end

local function no_zwsp_str(s)
  if not s.text:find(ZWSP, 1, true) then
    return subscripts(s.text)
  end
  if not html then
    return pandoc.Str((s.text:gsub(ZWSP, "")))
  end
  local parts = pandoc.List()
  for piece in (s.text .. ZWSP):gmatch("(.-)" .. ZWSP) do
    if #parts > 0 then
      parts:insert(pandoc.RawInline("html", "<wbr>"))
    end
    if piece ~= "" then
      parts:insert(pandoc.Str(piece))
    end
  end
  return parts
end

local function no_zwsp_code(c)
  if c.text:find(ZWSP, 1, true) then
    c.text = c.text:gsub(ZWSP, "")
    return c
  end
end

return {
  { Str = no_zwsp_str, Code = no_zwsp_code },
  {
    Pandoc = function(doc)
      local blocks = english_sections(doc.blocks)
      if typst then
        blocks = mainmatter(blocks)
      end
      doc.blocks = blocks
      return doc
    end,
  },
}
