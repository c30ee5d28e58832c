-- huge_header.lua - many and long header fields, and a forged A-R after them.
-- miltertest 2.11.0~beta2 (Debian 12) itself crashes on a header value over about 1 KB or on
-- 10,000 header fields (a fixed buffer in mt.header), so this script stays at 1,000-byte
-- values and 5,000 fields; the wire suite (e2e.py wire) sends 60 KB, 1 MB and 8 MiB values
-- and 10,000 fields.
dofile(dir .. "/common.lua")

run(function()
    local conn = open(nil, nil, nil)
    envelope(conn, "127.0.0.2")
    ok(mt.header(conn, "From", SENDER), "header")
    for i = 1, 20 do
        ok(mt.header(conn, "X-Long-" .. i, string.rep(string.char(96 + i), 1000)), "long header")
    end
    for i = 1, 5000 do
        ok(mt.header(conn, "X-Many-" .. i, "value " .. i), "header " .. i)
    end
    ok(mt.header(conn, "Authentication-Results", AUTHSERV_ID .. "; dkim=pass"), "forged A-R")
    local value = finish(conn, string.rep("body line\r\n", 1000))
    expect(value, "spf", "pass")
    expect(value, "sender-id", "pass")
    check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"), "forged A-R deleted")
    mt.disconnect(conn)

    -- a From field folded over 150 lines
    conn = open(nil, nil, nil)
    envelope(conn, "127.0.0.2")
    ok(mt.header(conn, "From", "\"" .. string.rep("n\r\n ", 150) .. "\" <" .. SENDER .. ">"),
       "folded From")
    value = finish(conn)
    expect(value, "spf", "pass")
    mt.disconnect(conn)
end)
