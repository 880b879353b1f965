"""The Lua scripts of the shared rate budget: one atomic step each, on Redis server time.

Times are integer microseconds of the server's clock (``TIME``), written with
``string.format('%.0f')``: Redis turns a bare Lua number into text with 14 significant
digits, which would round a microsecond timestamp. A bucket is a GCRA schedule like the
local one (`_limits._Bucket`): ``tat`` is the next free slot after every slot taken. A
caller that gives its slot back rolls the schedule back when its slot is the last one, and
leaves a hole for the next caller otherwise (``holes``: a sorted set of ``start:before``,
scored by start). Every key expires once it can no longer change what a caller gets.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ACQUIRE", "GIVE_BACK", "PAUSE"]

_NOW: Final = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local function text(value) return string.format('%.0f', value) end
"""

ACQUIRE: Final = (
    _NOW
    + """
-- KEYS: tat, holes, the endpoint's gate, the whole workspace's gate
-- ARGV: interval, tolerance, time left (-1: none), max waiting (-1: none)
-- Returns {kind, wait, start, before, waiting}; kind 0: granted (sleep `wait`, then send),
-- 1: the gate is closed for `wait`, 2: too many waiting, 3: the slot is past the deadline.
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local left = tonumber(ARGV[3])
local max_waiting = tonumber(ARGV[4])
-- A time ahead of `now` is believed only as far as its key's expiry, which every script
-- sets past it: a value without an expiry, past it, not a number, or a key of another type
-- was not written by this budget (another program, a restored dump) and is dropped, so that
-- it can neither close an endpoint for ever nor overflow the reply's integers.
local function ahead(key)
  local raw = redis.pcall('GET', key)
  local value = 0
  if type(raw) == 'string' then
    value = tonumber(raw)
  elseif type(raw) == 'table' then  -- an error: WRONGTYPE
    value = nil
  end
  if value == nil or value ~= value then
    redis.call('DEL', key)
    return 0
  end
  if value > now then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 or value - now > ttl * 1000 then
      redis.call('DEL', key)
      return 0
    end
  end
  return value
end
local gate = math.max(ahead(KEYS[3]), ahead(KEYS[4]))
if gate > now then
  return {1, math.min(gate - now, 4611686018427387904), 0, 0, 0}  -- 2^62: an integer reply
end
if interval <= 0 then
  return {0, 0, 0, 0, 0}
end
local tat = ahead(KEYS[1])
if tat == 0 or redis.call('TYPE', KEYS[2]).ok ~= 'zset' then redis.call('DEL', KEYS[2]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. text(now))
local holes = redis.call('ZCARD', KEYS[2])
local start, before, hole
if holes > 0 then
  hole = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  local s, b = string.match(hole, '^(%d+):(%-?%d+)$')
  start, before = tonumber(s), tonumber(b)
  if start == nil or before == nil or start >= tat then  -- a hole is always before `tat`
    redis.call('DEL', KEYS[2])
    holes, hole = 0, nil
  end
end
if holes == 0 then
  start, before = math.max(tat, now - tolerance), tat
end
local wait = start - now
local waiting = 0
if wait > 0 then
  local last = tat - interval
  if last > now then
    waiting = math.max(0, math.floor((last - now) / interval) + 1 - holes)
  end
  if max_waiting >= 0 and waiting >= max_waiting then
    return {2, wait, 0, 0, waiting}
  end
  if left >= 0 and wait > left then
    return {3, wait, 0, 0, waiting}
  end
end
if hole then
  redis.call('ZREM', KEYS[2], hole)
else
  local ttl = math.ceil((start + interval - now + tolerance) / 1000) + 1000
  redis.call('SET', KEYS[1], text(start + interval), 'PX', ttl)
  if holes > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return {0, wait, start, before, waiting}
"""
)

GIVE_BACK: Final = (
    _NOW
    + """
-- KEYS: tat, holes. ARGV: start, before, interval (of the slot given back).
local start = tonumber(ARGV[1])
local before = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat == start + interval then
  -- The last slot: roll the schedule back, and over the holes that are now at its end.
  tat = before
  while true do
    local last = redis.call('ZRANGE', KEYS[2], -1, -1)[1]
    if not last then break end
    local s, b = string.match(last, '^(%d+):(%-?%d+)$')
    if tonumber(s) + interval ~= tat then break end
    redis.call('ZREM', KEYS[2], last)
    tat = tonumber(b)
  end
  redis.call('SET', KEYS[1], text(tat), 'KEEPTTL')
  return 1
elseif tat > start + interval and start > now then
  -- In the middle: a hole the next caller takes.
  redis.call('ZADD', KEYS[2], text(start), text(start) .. ':' .. text(before))
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
  return 2
end
return 0
"""
)

PAUSE: Final = (
    _NOW
    + """
-- KEYS: a gate (one endpoint's, or the whole workspace's). ARGV: the pause.
local pause = tonumber(ARGV[1])
local reopens = now + pause
if reopens > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], text(reopens), 'PX', math.ceil(pause / 1000) + 1000)
  return 1
end
return 0
"""
)
