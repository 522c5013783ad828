// The Lua scripts behind the Redis store: each multi-key change is one script, run atomically by Redis (no client locks).
// Key names are built from the prefix in ARGV[1] (one Redis, not a cluster: see ADR 0006). Hash fields hold plain strings,
// so no script re-encodes a document (cjson would turn an empty array into an object).
// @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/

/** Shared helpers, prepended to every script. */
const LIB = `
local P = ARGV[1]
local function dlv(key) return P .. ':dlv:' .. key end
local function sent(key) return P .. ':dlv:sent:' .. key end
local function alive(token)
  local owner = string.match(token, '^(.*)#[^#]*$') or token
  return redis.call('EXISTS', P .. ':alive:' .. owner)
end
local function record(key)
  local fields = redis.call('HGETALL', dlv(key))
  if #fields == 0 then return false end
  return {fields, redis.call('HGETALL', sent(key))}
end
local function sub(id)
  if id == nil or id == '' then return false end
  local doc = redis.call('HGET', P .. ':sub', id)
  if not doc then return false end
  return {doc, redis.call('HGET', P .. ':sub:last', id) or '', redis.call('HGET', P .. ':sub:paused', id) or '', redis.call('HGET', P .. ':sub:retry', id) or ''}
end
local function isopen(state) return state == 'claimed' or state == 'posting' end
-- posts by paper: one sorted set per (channel, paper, kind), message id → posted at (decoded, never re-encoded).
local function pp(ch, paper, kind) return P .. ':pp:' .. ch .. ':' .. paper .. ':' .. kind end
local function postindex(ch, msg, doc, add)
  if not doc then return end
  local d = cjson.decode(doc)
  for _, slot in ipairs(cjson.decode(d.slots)) do
    if add then redis.call('ZADD', pp(ch, slot[2], d.kind), string.format('%.0f', d.postedAt), msg)
    else redis.call('ZREM', pp(ch, slot[2], d.kind), msg) end
  end
end
local function putpost(ch, msg, doc)
  local key = P .. ':post:' .. ch
  postindex(ch, msg, redis.call('HGET', key, msg), false)
  redis.call('HSET', key, msg, doc)
  postindex(ch, msg, doc, true)
end
`;

/**
 * claim: ARGV prefix, key, token, handle, channel JSON, subscription id, period, at, ttl ms, takeOver token, restart (0/1).
 * Returns {won, record, subscription, ownerAlive}.
 */
export const CLAIM = `${LIB}
local key, token, handle, channel, subid, period = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local at, ttl, from, restart = ARGV[8], tonumber(ARGV[9]), ARGV[10], ARGV[11] == '1'
local k = dlv(key)
local state = redis.call('HGET', k, 'state')
local won = 0
if not state then
  redis.call('HSET', k, 'state', 'claimed', 'token', token, 'at', at, 'claimedAt', at, 'handle', handle, 'channel', channel,
    'subscription', subid, 'period', period)
  redis.call('PEXPIRE', k, ttl)
  redis.call('ZADD', P .. ':dlv:open', at, key)
  won = 1
elseif restart and not isopen(state) then
  redis.call('DEL', k, sent(key))
  redis.call('HSET', k, 'state', 'claimed', 'token', token, 'at', at, 'claimedAt', at, 'handle', handle, 'channel', channel,
    'subscription', subid, 'period', period)
  redis.call('PEXPIRE', k, ttl)
  redis.call('ZADD', P .. ':dlv:open', at, key)
  won = 1
elseif from ~= '' and isopen(state) and redis.call('HGET', k, 'token') == from then
  redis.call('HSET', k, 'token', token, 'at', at)
  redis.call('PEXPIRE', k, ttl)
  redis.call('PEXPIRE', sent(key), ttl)
  won = 1
end
local rec = record(key)
return {won, rec, sub(subid), alive(redis.call('HGET', k, 'token'))}
`;

/** markPosting: ARGV prefix, key, token, index, plan JSON ('' to keep), at. Returns 1 when the claim is token's. */
export const MARK_POSTING = `${LIB}
local k = dlv(ARGV[2])
if redis.call('HGET', k, 'token') ~= ARGV[3] or not isopen(redis.call('HGET', k, 'state')) then return 0 end
redis.call('HSET', k, 'state', 'posting', 'posting', ARGV[4], 'at', ARGV[6])
if ARGV[5] ~= '' then redis.call('HSET', k, 'plan', ARGV[5]) end
return 1
`;

/** recordSent: ARGV prefix, key, token, index, channel key, message id, post JSON, ttl ms. Records the message and the post together. */
export const RECORD_SENT = `${LIB}
local key = ARGV[2]
local k = dlv(key)
if redis.call('HGET', k, 'token') ~= ARGV[3] or not isopen(redis.call('HGET', k, 'state')) then return 0 end
redis.call('HSET', sent(key), ARGV[4], ARGV[6])
redis.call('PEXPIRE', sent(key), tonumber(ARGV[8]))
putpost(ARGV[5], ARGV[6], ARGV[7])
return 1
`;

/** recordPost: ARGV prefix, channel key, message id, post JSON. The post and its by-paper index together. */
export const RECORD_POST = `${LIB}
putpost(ARGV[2], ARGV[3], ARGV[4])
return 1
`;

/**
 * paperHistory: ARGV prefix, channel key, paper id, recent, then the kinds. Per kind with posts: {kind, count, first
 * [message, at], last [message, at], the newest "recent" as [message, at, …]}.
 */
export const PAPER_HISTORY = `${LIB}
local out = {}
local want = tonumber(ARGV[4])
for i = 5, #ARGV do
  local k = pp(ARGV[2], ARGV[3], ARGV[i])
  local n = redis.call('ZCARD', k)
  if n > 0 then
    local recent = {}
    if want > 0 then recent = redis.call('ZRANGE', k, 0, want - 1, 'REV', 'WITHSCORES') end
    table.insert(out, {ARGV[i], n, redis.call('ZRANGE', k, 0, 0, 'WITHSCORES'), redis.call('ZRANGE', k, -1, -1, 'WITHSCORES'), recent})
  end
end
return out
`;

/**
 * finish: ARGV prefix, key, token, state, summary, at, subscription id, lastDelivered JSON ('' = none), paused JSON ('' = none),
 * seen channel key, seen until, now, then the seen paper ids. Closes the delivery and applies its effects in one step.
 */
export const FINISH = `${LIB}
local key, token = ARGV[2], ARGV[3]
local k = dlv(key)
if redis.call('HGET', k, 'token') ~= token or not isopen(redis.call('HGET', k, 'state')) then return 0 end
redis.call('HSET', k, 'state', ARGV[4], 'summary', ARGV[5], 'at', ARGV[6])
redis.call('HDEL', k, 'posting')
redis.call('ZREM', P .. ':dlv:open', key)
local id = ARGV[7]
if ARGV[8] ~= '' and redis.call('HEXISTS', P .. ':sub', id) == 1 then
  redis.call('HSET', P .. ':sub:last', id, ARGV[8])
  redis.call('HDEL', P .. ':sub:retry', id)
end
if ARGV[9] ~= '' and redis.call('HEXISTS', P .. ':sub', id) == 1 then
  redis.call('HSET', P .. ':sub:paused', id, ARGV[9])
  redis.call('HDEL', P .. ':sub:retry', id)
  redis.call('INCR', P .. ':sub:ver')
end
if #ARGV > 12 then
  local z = P .. ':seen:' .. ARGV[10]
  local until_ = ARGV[11]
  for i = 13, #ARGV do redis.call('ZADD', z, until_, ARGV[i]) end
  redis.call('ZREMRANGEBYSCORE', z, '-inf', ARGV[12])
end
return 1
`;

/** release: ARGV prefix, key, token. Drops a claim that sent nothing. */
export const RELEASE = `${LIB}
local key = ARGV[2]
local k = dlv(key)
if redis.call('HGET', k, 'token') ~= ARGV[3] or not isopen(redis.call('HGET', k, 'state')) then return 0 end
if redis.call('EXISTS', sent(key)) == 1 then return 0 end
redis.call('DEL', k)
redis.call('ZREM', P .. ':dlv:open', key)
return 1
`;

/** getDeliveries: ARGV prefix, then keys ('*open*' alone: every open one). Returns {key, record, owner alive} per record found. */
export const GET_DELIVERIES = `${LIB}
local keys = {}
if ARGV[2] == '*open*' then keys = redis.call('ZRANGE', P .. ':dlv:open', 0, -1) else for i = 2, #ARGV do keys[#keys + 1] = ARGV[i] end end
local out = {}
for _, key in ipairs(keys) do
  local rec = record(key)
  if rec then out[#out + 1] = {key, rec, alive(redis.call('HGET', dlv(key), 'token') or '')} end
end
return out
`;

/**
 * cast: ARGV prefix, channel key, paper, user, mark, on (1/0), at, event key ('' = none), event ttl ms,
 * user index key, user index member. Returns {outcome, count}.
 */
export const CAST = `${LIB}
local ch, paper, user, mark, on, at = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local tallies = P .. ':vt:' .. ch
local function count()
  local t = redis.call('HGET', tallies, paper)
  if not t then return 0 end
  return tonumber(string.match(t, '^(%d+)'))
end
if ARGV[8] ~= '' then
  if not redis.call('SET', P .. ':ev:' .. ARGV[8], '1', 'NX', 'PX', ARGV[9]) then return {'duplicate', count()} end
end
local marks = P .. ':vm:' .. ch .. '\\31' .. user .. '\\31' .. paper
local function anyon()
  for _, v in ipairs(redis.call('HVALS', marks)) do if string.sub(v, 1, 1) == '1' then return true end end
  return false
end
local prev = redis.call('HGET', marks, mark)
if prev then
  local pon, pat = tonumber(string.sub(prev, 1, 1)), tonumber(string.sub(prev, 3))
  local wins
  if at ~= pat then wins = at > pat else wins = (pon == 1 and on == 0) end
  if not wins then
    if pon == on then return {'unchanged', count()} end
    return {'stale', count()}
  end
end
local was = anyon()
redis.call('HSET', marks, mark, tostring(on) .. '|' .. tostring(at))
local is = (on == 1) or anyon()
if was == is then return {'unchanged', count()} end
local t = redis.call('HGET', tallies, paper)
local c, first, last = 0, at, at
if t then
  local a, b, d = string.match(t, '^(%d+)|(%d+)|(%d+)$')
  c, first, last = tonumber(a), tonumber(b), tonumber(d)
end
if is then
  c = c + 1
  if at < first then first = at end
  if at > last then last = at end
  redis.call('ZADD', ARGV[10], at, ARGV[11])
else
  c = c - 1
  redis.call('ZREM', ARGV[10], ARGV[11])
end
if c <= 0 then redis.call('HDEL', tallies, paper) else redis.call('HSET', tallies, paper, string.format('%d|%d|%d', c, first, last)) end
if is then return {'on', c} end
return {'off', math.max(c, 0)}
`;

/**
 * digestState: ARGV prefix, channel key, now, liked since, then candidate ids.
 * Returns {seen scores, candidate tallies, liked ids, liked tallies, liked documents}.
 */
export const DIGEST_STATE = `${LIB}
local ch, now, since = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local cands = {}
for i = 5, #ARGV do cands[#cands + 1] = ARGV[i] end
local seen, tallies = {}, {}
if #cands > 0 then
  seen = redis.call('ZMSCORE', P .. ':seen:' .. ch, unpack(cands))
  tallies = redis.call('HMGET', P .. ':vt:' .. ch, unpack(cands))
end
local all = redis.call('HGETALL', P .. ':vt:' .. ch)
local ids, votes = {}, {}
for i = 1, #all, 2 do
  local c, last = string.match(all[i + 1], '^(%d+)|%d+|(%d+)$')
  if tonumber(c) > 0 and tonumber(last) >= since then ids[#ids + 1] = all[i]; votes[#votes + 1] = all[i + 1] end
end
local docs = {}
if #ids > 0 then docs = redis.call('HMGET', P .. ':papers', unpack(ids)) end
return {seen, tallies, ids, votes, docs}
`;

/** putSubscription: ARGV prefix, id, doc JSON, channel key, workspace key, group key, lastDelivered JSON ('' = none). Moves the indexes with it. */
export const PUT_SUBSCRIPTION = `${LIB}
local id, doc, ch, ws, grp = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local old = redis.call('HGET', P .. ':sub:grp', id)
if old and old ~= grp then
  redis.call('SREM', P .. ':sub:grp:' .. old, id)
  if redis.call('SCARD', P .. ':sub:grp:' .. old) == 0 then redis.call('SREM', P .. ':sub:grps', old) end
end
redis.call('HSET', P .. ':sub', id, doc)
redis.call('HSET', P .. ':sub:grp', id, grp)
redis.call('SADD', P .. ':sub:grp:' .. grp, id)
redis.call('SADD', P .. ':sub:grps', grp)
redis.call('SADD', P .. ':sub:ch:' .. ch, id)
redis.call('SADD', P .. ':sub:ws:' .. ws, id)
-- The ledger owns lastDelivered; a document that carries one (an import) seeds it only when there is none.
if ARGV[7] ~= '' then redis.call('HSETNX', P .. ':sub:last', id, ARGV[7]) end
-- A put is the channel saying what it wants now: a pause or a retry in progress is cleared.
redis.call('HDEL', P .. ':sub:paused', id)
redis.call('HDEL', P .. ':sub:retry', id)
redis.call('INCR', P .. ':sub:ver')
return 1
`;

/** deleteSubscriptions: ARGV prefix, then ids. Returns how many existed. */
export const DELETE_SUBSCRIPTIONS = `${LIB}
local gone = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local doc = redis.call('HGET', P .. ':sub', id)
  if doc then
    gone = gone + 1
    local grp = redis.call('HGET', P .. ':sub:grp', id)
    if grp then
      redis.call('SREM', P .. ':sub:grp:' .. grp, id)
      if redis.call('SCARD', P .. ':sub:grp:' .. grp) == 0 then redis.call('SREM', P .. ':sub:grps', grp) end
    end
    local ch = string.match(id, '^(.*)|[^|]*$') or id
    local ws = string.match(ch, '^([^:]*:[^:]*):') or ch
    redis.call('SREM', P .. ':sub:ch:' .. ch, id)
    redis.call('SREM', P .. ':sub:ws:' .. ws, id)
    redis.call('HDEL', P .. ':sub', id)
    redis.call('HDEL', P .. ':sub:grp', id)
    redis.call('HDEL', P .. ':sub:last', id)
    redis.call('HDEL', P .. ':sub:paused', id)
    redis.call('HDEL', P .. ':sub:retry', id)
  end
end
if gone > 0 then redis.call('INCR', P .. ':sub:ver') end
return gone
`;

/** getSubscriptions: ARGV prefix, a set key suffix ('' = every subscription, 'one:<id>' = that one, else e.g. 'ch:<channel>'). */
export const GET_SUBSCRIPTIONS = `${LIB}
local ids
if ARGV[2] == '' then ids = redis.call('HKEYS', P .. ':sub')
elseif string.sub(ARGV[2], 1, 4) == 'one:' then ids = {string.sub(ARGV[2], 5)}
else ids = redis.call('SMEMBERS', P .. ':sub:' .. ARGV[2]) end
local out = {}
for _, id in ipairs(ids) do
  local s = sub(id)
  if s then out[#out + 1] = s end
end
return out
`;

/** patchSubscription: ARGV prefix, id, field hash ('paused' | 'retry'), JSON ('' deletes). Only for an existing subscription. */
export const PATCH_SUBSCRIPTION = `${LIB}
local id, h = ARGV[2], P .. ':sub:' .. ARGV[3]
if redis.call('HEXISTS', P .. ':sub', id) == 0 then return 0 end
if ARGV[4] == '' then redis.call('HDEL', h, id) else redis.call('HSET', h, id, ARGV[4]) end
if ARGV[3] == 'paused' then redis.call('INCR', P .. ':sub:ver') end
return 1
`;

/** putWatch: ARGV prefix, channel key, field, doc JSON ('' removes it). Returns 1 when a watch was there before. */
export const PUT_WATCH = `${LIB}
local existed = redis.call('HEXISTS', P .. ':watch', ARGV[3])
if ARGV[4] == '' then
  redis.call('HDEL', P .. ':watch', ARGV[3])
  redis.call('SREM', P .. ':watch:ch:' .. ARGV[2], ARGV[3])
else
  redis.call('HSET', P .. ':watch', ARGV[3], ARGV[4])
  redis.call('SADD', P .. ':watch:ch:' .. ARGV[2], ARGV[3])
end
return existed
`;

/** getWatches: ARGV prefix, channel key ('' = every watch). */
export const GET_WATCHES = `${LIB}
if ARGV[2] == '' then return redis.call('HVALS', P .. ':watch') end
local fields = redis.call('SMEMBERS', P .. ':watch:ch:' .. ARGV[2])
if #fields == 0 then return {} end
return redis.call('HMGET', P .. ':watch', unpack(fields))
`;

export const SCRIPTS = {
  CLAIM,
  MARK_POSTING,
  RECORD_SENT,
  RECORD_POST,
  PAPER_HISTORY,
  FINISH,
  RELEASE,
  GET_DELIVERIES,
  CAST,
  DIGEST_STATE,
  PUT_SUBSCRIPTION,
  DELETE_SUBSCRIPTIONS,
  GET_SUBSCRIPTIONS,
  PATCH_SUBSCRIPTION,
  PUT_WATCH,
  GET_WATCHES,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
