--[[
What a reader of the HTML report expects beyond the text, for both render routes (Quarto runs it
from _quarto.yml, the registry-only route from neoutflow.render.pandoc); the PDF is left alone.

- each table's caption outside its sideways-scrolling wrapper (a figure with the caption first),
  so that a phone never clips it;
- beside every figure and table, the data behind it as a CSV download (embedded as a data: URL,
  so the page stays one self-contained file): a figure's `build/figures/<name>.csv` (written by
  neoutflow.outputs.style.save with the PNG), a table's `build/tables/<name>.csv` (the file whose
  Markdown carries the table's label);
- a line under the title with the PDF and "引用本报告";
- `citation_*` meta tags (Google Scholar's convention) and a "引用本报告" block (a reference in
  GB/T 7714 form and BibTeX), both from the document's metadata (title, subtitle, author, date,
  keywords: _quarto.yml and the front matter), so there is one source;
- report/report.js (contents that collapse on a phone and stay at the side on a wide screen,
  click to enlarge a figure, heading anchors), inlined at the end of the body.
]]

if not FORMAT:match("html") then
  return {}
end

local ROOT = os.getenv("NEOUTFLOW_ROOT")
  or (quarto and quarto.project and quarto.project.directory)
  or pandoc.system.get_working_directory()
local HERE = pandoc.path.directory(PANDOC_SCRIPT_FILE)

local function read(path)
  local f = io.open(path, "rb")
  if not f then
    return nil
  end
  local text = f:read("a")
  f:close()
  return text
end

-- a table's label → the CSV beside the Markdown file that carries it
local function table_files()
  local map = {}
  local dir = pandoc.path.join({ ROOT, "build", "tables" })
  local ok, names = pcall(pandoc.system.list_directory, dir)
  if not ok then
    return map
  end
  for _, name in ipairs(names) do
    if name:match("%.md$") then
      local csv = pandoc.path.join({ dir, (name:gsub("%.md$", ".csv")) })
      local text = read(pandoc.path.join({ dir, name })) or ""
      if read(csv) then
        for label in text:gmatch("{#(tbl%-[%w%-_]+)") do
          map[label] = csv
        end
      end
    end
  end
  return map
end

local TABLES = table_files()

local function percent(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", c:byte())
  end))
end

local BOM = "\239\187\191"

-- a table with no CSV of its own (typed in a chapter, or the appendix's): its cells as shown
local function cells_csv(el)
  local rows = {}
  local function field(cell)
    local s = pandoc.utils.stringify(cell.contents)
    return s:find('[,"\n]') and ('"' .. s:gsub('"', '""') .. '"') or s
  end
  local function add(row)
    local fields = {}
    for _, cell in ipairs(row.cells) do
      fields[#fields + 1] = field(cell)
    end
    rows[#rows + 1] = table.concat(fields, ",")
  end
  local function rows_of(tbl)
    if #rows > 0 then
      return nil
    end
    for _, row in ipairs(tbl.head.rows) do
      add(row)
    end
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        add(row)
      end
    end
  end
  if el.t == "Table" then
    rows_of(el)
  else
    el:walk({ Table = rows_of })
  end
  return #rows > 0 and (table.concat(rows, "\n") .. "\n") or nil
end

-- "下载数据（CSV）" as a link holding the file (with a byte-order mark: spreadsheet programs
-- then read the Chinese labels as UTF-8)
local function download(name, text)
  if not text then
    return nil
  end
  if text:sub(1, 3) ~= BOM then
    text = BOM .. text
  end
  local href = "data:text/csv;charset=utf-8," .. percent(text)
  local link = pandoc.Link({ pandoc.Str("下载数据（CSV）") }, href, "", pandoc.Attr("", {}, { download = name }))
  return pandoc.Div({ pandoc.Plain({ link }) }, pandoc.Attr("", { "data-download" }))
end

local function figure_csv(el)
  local found
  el:walk({
    Image = function(img)
      local src = img.attributes["data-figure"] or img.src -- the original, before the screen copy
      local name = src:match("([^/]+)%.png$")
      if name and not found then
        found = pandoc.path.join({ ROOT, "build", "figures", name .. ".csv" })
      end
    end,
  })
  return found
end

-- the file name and the text of the data behind a labelled figure or table; nil when unlabelled
local function csv_of(el)
  local id = el.identifier or (el.attr and el.attr.identifier) or ""
  local path
  if id:match("^tbl%-") then
    path = TABLES[id]
    if not path then
      return id:gsub("^tbl%-", "") .. ".csv", cells_csv(el)
    end
  elseif id:match("^fig%-") then
    path = figure_csv(el)
  else
    return nil
  end
  return path and pandoc.path.filename(path) or id .. ".csv", path and read(path)
end

-- the registry-only route's Div.table-scroll > Table: the caption moves out of the scroller
local function captioned(div)
  local tbl = div.content[1]
  if #div.content ~= 1 or tbl.t ~= "Table" or #tbl.caption.long == 0 then
    return div, tbl
  end
  local caption = tbl.caption
  tbl.caption = pandoc.Caption()
  local fig = pandoc.Figure({ div }, caption, pandoc.Attr("", { "table-figure" }))
  return fig, tbl
end

local function with_download(el)
  local target = el
  if el.t == "Div" and el.classes:includes("table-scroll") then
    el, target = captioned(el)
  end
  local name, text = csv_of(target)
  if not name then
    return nil
  end
  local dl = download(name, text)
  return dl and { el, dl } or { el }, false
end

local function text_of(value)
  if value == nil then
    return nil
  end
  if pandoc.utils.type(value) == "List" then
    local out = {}
    for _, v in ipairs(value) do
      out[#out + 1] = pandoc.utils.stringify(v)
    end
    return out
  end
  return pandoc.utils.stringify(value)
end

local function as_list(value)
  if type(value) == "table" then
    return value
  end
  return value and { value } or {}
end

local function escape(text)
  return (text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- what the metadata says about the report, as plain strings
local function citation(meta)
  local c = {
    title = text_of(meta.title) or "",
    subtitle = text_of(meta.subtitle),
    authors = as_list(text_of(meta.author)),
    keywords = as_list(text_of(meta.keywords)),
  }
  local date = text_of(meta.date) or ""
  local y, m, d = date:match("(%d%d%d%d)%D+(%d+)%D+(%d+)")
  c.year = y or date:match("%d%d%d%d")
  c.date = y and string.format("%s/%02d/%02d", y, tonumber(m), tonumber(d)) or c.year
  local out = PANDOC_STATE.output_file
  c.pdf = (out and pandoc.path.filename(out):gsub("%.html?$", ".pdf")) or "report.pdf"
  return c
end

local function meta_tags(c)
  local tags = {}
  local function add(name, value)
    if value and value ~= "" then
      tags[#tags + 1] = string.format('<meta name="%s" content="%s" />', name, escape(value))
    end
  end
  add("citation_title", c.subtitle and (c.title .. "：" .. c.subtitle) or c.title)
  for _, a in ipairs(c.authors) do
    add("citation_author", a)
  end
  add("citation_publication_date", c.date)
  add("citation_language", "zh")
  add("citation_keywords", table.concat(c.keywords, "; "))
  add("citation_pdf_url", c.pdf)
  return pandoc.RawBlock("html", table.concat(tags, "\n"))
end

local function bibtex(c)
  local authors = {}
  for i, a in ipairs(c.authors) do
    authors[i] = "{" .. a .. "}" -- a group author, not "last, first"
  end
  local lines = {
    "@techreport{neoutflow" .. (c.year or ""),
    "  title       = {" .. c.title .. (c.subtitle and ("：" .. c.subtitle) or "") .. "},",
    "  author      = {" .. table.concat(authors, " and ") .. "},",
    "  institution = {" .. (authors[1] or "") .. "},",
    "  type        = {研究报告},",
    "  year        = {" .. (c.year or "") .. "},",
    "  keywords    = {" .. table.concat(c.keywords, ", ") .. "},",
    "  language    = {zh},",
    "}",
  }
  return table.concat(lines, "\n")
end

-- GB/T 7714-2015 for a report: 著者. 题名：其他题名信息[R]. 出版年.
local function reference(c)
  local title = c.title .. (c.subtitle and ("：" .. c.subtitle) or "")
  return table.concat(c.authors, ", ") .. ". " .. title .. "[R]. " .. (c.year or "") .. "."
end

local function cite_block(c)
  return pandoc.Div({
    pandoc.Para({ pandoc.Strong({ pandoc.Str("引用本报告") }) }),
    pandoc.Para({ pandoc.Str(reference(c)) }),
    pandoc.CodeBlock(bibtex(c), pandoc.Attr("", { "cite-bibtex" })) -- no highlighting,
  }, pandoc.Attr("cite-this", { "cite-this" }))
end

local function top_links(c)
  return pandoc.Div({
    pandoc.Plain({
      pandoc.Link({ pandoc.Str("PDF 版") }, c.pdf),
      pandoc.Str(" · "),
      pandoc.Link({ pandoc.Str("引用本报告") }, "#cite-this"),
    }),
  }, pandoc.Attr("", { "report-links" }))
end

local function script()
  local js = read(pandoc.path.join({ HERE, "report.js" }))
  return js and pandoc.RawBlock("html", "<script>\n" .. js .. "\n</script>") or nil
end

return {
  { Div = with_download, Figure = with_download, Table = with_download, traverse = "topdown" },
  {
    Pandoc = function(doc)
      local c = citation(doc.meta)
      local includes = doc.meta["header-includes"]
      includes = includes and pandoc.List(includes.t and { includes } or includes) or pandoc.List()
      includes:insert(pandoc.MetaBlocks({ meta_tags(c) }))
      doc.meta["header-includes"] = includes
      doc.blocks:insert(1, top_links(c))
      doc.blocks:insert(cite_block(c))
      local js = script()
      if js then
        doc.blocks:insert(js)
      end
      return doc
    end,
  },
}
