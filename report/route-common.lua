-- Helpers shared by the registry-only route's Lua code (report/qmd-reader.lua and
-- report/quarto-compat.lua load this file); Quarto never runs it.
local M = {}

-- An error of the report's sources: python -m neoutflow.render shows the message as it is.
function M.fail(msg)
  error("neoutflow: " .. msg, 0)
end

-- `path` made absolute (from the working directory) with "." and ".." resolved.
function M.absolute(path)
  if path:sub(1, 1) ~= "/" then
    path = pandoc.system.get_working_directory() .. "/" .. path
  end
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      table.remove(parts)
    elseif part ~= "." then
      table.insert(parts, part)
    end
  end
  return "/" .. table.concat(parts, "/")
end

-- `path` relative to the project folder `root` when inside it (for messages), else as it is.
function M.shown(path, root)
  local prefix = root:gsub("/$", "") .. "/"
  return path:sub(1, #prefix) == prefix and path:sub(#prefix + 1) or path
end

return M
