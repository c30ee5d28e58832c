-- missing_macros.lua - enma works without any macro (no queue id "i", no {auth_authen}, no
-- {daemon_name}), and with {auth_authen} set it skips SPF and Sender ID
-- (milter.skip_authenticated, on by default) but still checks DKIM.
dofile(dir .. "/common.lua")

run(function()
    -- no macros at all
    local conn = open(nil, nil, nil)
    envelope(conn, "127.0.0.2")
    ok(mt.header(conn, "From", SENDER), "header")
    local value = finish(conn)
    expect(value, "spf", "pass")
    expect(value, "sender-id", "pass")
    expect(value, "dkim", "none")
    mt.disconnect(conn)

    -- empty macros where Postfix sends them
    conn = open(nil, nil, nil)
    ok(mt.macro(conn, SMFIC_CONNECT, "j", "", "{daemon_name}", "", "_", ""), "connect macros")
    ok(mt.conninfo(conn, "client.e2e.example", "127.0.0.2"), "conninfo")
    ok(mt.macro(conn, SMFIC_HELO, "{tls_version}", ""), "helo macros")
    ok(mt.helo(conn, "client.e2e.example"), "helo")
    ok(mt.macro(conn, SMFIC_MAIL, "i", "", "{auth_authen}", "", "{mail_addr}", ""), "mail macros")
    ok(mt.mailfrom(conn, "<" .. SENDER .. ">"), "mailfrom")
    ok(mt.header(conn, "From", SENDER), "header")
    value = finish(conn)
    expect(value, "spf", "pass")
    mt.disconnect(conn)

    -- an authenticated client: SPF and Sender ID are skipped
    conn = open(nil, nil, nil)
    ok(mt.conninfo(conn, "client.e2e.example", "127.0.0.3"), "conninfo")
    ok(mt.helo(conn, "client.e2e.example"), "helo")
    ok(mt.macro(conn, SMFIC_MAIL, "i", "4ABCDEF", "{auth_authen}", "alice",
                "{auth_type}", "PLAIN"), "mail macros")
    ok(mt.mailfrom(conn, "<" .. SENDER .. ">"), "mailfrom")
    ok(mt.header(conn, "From", SENDER), "header")
    value = finish(conn)
    absent(value, "spf")
    absent(value, "sender-id")
    expect(value, "dkim", "none")
    mt.disconnect(conn)
end)
