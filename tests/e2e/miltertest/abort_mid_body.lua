-- abort_mid_body.lua - the MTA aborts a message in the middle of its body (client gone,
-- RSET): enma drops it and verifies the next message on the same connection from scratch.
dofile(dir .. "/common.lua")

run(function()
    local conn = open(nil, nil, nil)
    envelope(conn, "127.0.0.3", "user@soft.e2e.example")  -- 127.0.0.3: softfail here
    ok(mt.header(conn, "From", "user@soft.e2e.example"), "header")
    ok(mt.eoh(conn), "eoh")
    ok(mt.bodystring(conn, "first part of a body that never ends\r\n"), "body")
    ok(mt.abort(conn), "abort mid-body")

    ok(mt.mailfrom(conn, "<" .. SENDER .. ">"), "second mailfrom")
    ok(mt.header(conn, "From", SENDER), "second header")
    ok(mt.header(conn, "Authentication-Results", AUTHSERV_ID .. "; spf=pass"), "forged A-R")
    local value = finish(conn)
    expect(value, "spf", "fail")  -- pass.e2e.example does not authorize 127.0.0.3
    expect(value, "smtp.mailfrom", SENDER)
    absent(value, "spf=softfail")
    check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"), "forged A-R deleted")

    ok(mt.mailfrom(conn, "<user@soft.e2e.example>"), "third mailfrom")
    ok(mt.header(conn, "From", "user@soft.e2e.example"), "third header")
    ok(mt.abort(conn), "abort after a header")
    ok(mt.mailfrom(conn, "<" .. SENDER .. ">"), "fourth mailfrom")
    ok(mt.header(conn, "From", SENDER), "fourth header")
    value = finish(conn)
    expect(value, "sender-id", "fail")
    expect(value, "smtp.mailfrom", SENDER)
    mt.disconnect(conn)
end)
