--[[
  Tells the gateways relaying a reply about an entry just added to its stream: `<id>\n<type>\n<data>`
  on the reply's live channel (JSON data holds no raw newline). A gateway that was not listening
  reads the stream instead, so a message nobody hears loses nothing.
]]
local function publishEvent(channel, id, eventType, data)
  redis.call('PUBLISH', channel, id .. '\n' .. eventType .. '\n' .. data)
end
