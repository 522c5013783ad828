// The Lua bodies of the thread-update operations (redis-updates.ts); redis-scripts.ts prepends its shared LIB
// (prefix P, dlv(), isopen()) when it registers them, as it does for every script.
const KEYS = `
local function fol(paper) return P .. ':upd:f:' .. paper end
local function st(paper) return P .. ':upd:s:' .. paper end
local function ev(ch) return P .. ':upd:e:' .. ch end
local function tk(ch) return P .. ':upd:tk:' .. ch end
`;

/**
 * follow: ARGV prefix, ttl ms, then per paper: id, channel key, place JSON, code 0/1, upvotes, version, milestone,
 * week ('' when none), at. The first place and baseline of a (paper, channel) stay.
 */
export const UPD_FOLLOW = `${KEYS}
local ttl = tonumber(ARGV[2])
for i = 3, #ARGV, 9 do
  local paper, ch = ARGV[i], ARGV[i + 1]
  if redis.call('HSETNX', fol(paper), ch, ARGV[i + 2]) == 1 then
    redis.call('HSET', st(paper), ch, ARGV[i + 3] .. ' ' .. ARGV[i + 4] .. ' ' .. ARGV[i + 5] .. ' ' .. ARGV[i + 6] .. ' ' .. ARGV[i + 8])
  end
  redis.call('PEXPIRE', fol(paper), ttl)
  redis.call('PEXPIRE', st(paper), ttl)
  if ARGV[i + 7] ~= '' then redis.call('ZADD', P .. ':upd:weeks', 'GT', ARGV[i + 8], ARGV[i + 7]) end
end
return 1
`;

/**
 * observe: ARGV prefix, since, at, ttl ms, then per paper: id, repo ('' = none), upvotes, version. Mirrors eventsFor in
 * sqlite-updates.ts: code once, the milestone once, a version above a known one; the state keeps the newest.
 */
export const UPD_OBSERVE = `${KEYS}
local since, at, ttl = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local added = 0
for i = 5, #ARGV, 4 do
  local paper, repo, up, ver = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  local states = redis.call('HGETALL', st(paper))
  for j = 1, #states, 2 do
    local ch = states[j]
    local c, u, v, m, t = string.match(states[j + 1], '^(%d+) (%d+) (%d+) (%d+) (%d+)$')
    c, u, v, m = tonumber(c), tonumber(u), tonumber(v), tonumber(m)
    if c and tonumber(t) >= since then
      local events = {}
      if repo ~= '' and c == 0 then events[#events + 1] = {'code', cjson.encode({kind = 'code', repo = repo})} end
      if up >= m and u < m then
        events[#events + 1] = {'upvotes:' .. m, cjson.encode({kind = 'upvotes', milestone = m})}
      end
      if v > 0 and ver > v then
        events[#events + 1] = {'version:' .. ver, cjson.encode({kind = 'version', version = ver})}
      end
      local nc = c
      if repo ~= '' then nc = 1 end
      redis.call('HSET', st(paper), ch, nc .. ' ' .. math.max(u, up) .. ' ' .. math.max(v, ver) .. ' ' .. m .. ' ' .. t)
      for _, e in ipairs(events) do
        if redis.call('HSETNX', ev(ch), paper .. ' ' .. e[1], at .. ' ' .. e[2]) == 1 then
          added = added + 1
          redis.call('SADD', P .. ':upd:pending', ch)
          -- Updates never replied to (a channel gone for good) are forgotten with the papers they are about.
          redis.call('PEXPIRE', ev(ch), ttl)
        end
      end
    end
  end
end
return added
`;

/** take: ARGV prefix, channel key, delivery key. Returns {field, "at doc", place} per update taken. */
export const UPD_TAKE = `${KEYS}
local ch, key = ARGV[2], ARGV[3]
local out = {}
local all = redis.call('HGETALL', ev(ch))
for i = 1, #all, 2 do
  local field = all[i]
  local paper = string.match(field, '^(%S+) ')
  local place = redis.call('HGET', fol(paper), ch)
  local taken = redis.call('HGET', tk(ch), field)
  local state = false
  if taken then state = redis.call('HGET', dlv(taken), 'state') end
  if place and ((not taken) or taken == key or (not state)) then
    redis.call('HSET', tk(ch), field, key)
    out[#out + 1] = {field, all[i + 1], place}
  elseif (not place) or not isopen(state) then
    redis.call('HDEL', ev(ch), field)
    redis.call('HDEL', tk(ch), field)
  end
end
if redis.call('HLEN', ev(ch)) == 0 then
  redis.call('SREM', P .. ':upd:pending', ch)
  redis.call('DEL', tk(ch))
else
  local left = redis.call('PTTL', ev(ch))
  if left > 0 then redis.call('PEXPIRE', tk(ch), left) end
end
return out
`;
