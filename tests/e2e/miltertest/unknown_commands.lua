-- unknown_commands.lua - SMTP commands the MTA does not know. enma asks for SMFIP_NOUNKNOWN,
-- so a conforming MTA (and miltertest) never sends them; the session goes on undisturbed.
-- (The wire suite sends SMFIC_UNKNOWN anyway and expects a "continue".)
dofile(dir .. "/common.lua")

run(function()
    for _, version in ipairs({6, 2}) do
        local conn = open(version, nil, nil)
        check(mt.test_option(conn, SMFIP_NOUNKNOWN), "SMFIP_NOUNKNOWN negotiated")
        ok(mt.conninfo(conn, "client.e2e.example", "127.0.0.2"), "conninfo")
        local sent, why = pcall(mt.unknown, conn, "XYZZY")
        check(not sent and string.find(tostring(why), "SMFIP_NOUNKNOWN", 1, true) ~= nil,
              "miltertest does not send UNKNOWN to enma")
        ok(mt.helo(conn, "client.e2e.example"), "helo")
        pcall(mt.unknown, conn, "PLUGH " .. string.rep("\255", 100))
        ok(mt.mailfrom(conn, "<" .. SENDER .. ">"), "mailfrom")
        ok(mt.header(conn, "From", SENDER), "header")
        local value = finish(conn)
        expect(value, "spf", "pass")
        -- after the message: another unknown command, then another message
        pcall(mt.unknown, conn, "TURN")
        ok(mt.mailfrom(conn, "<user@soft.e2e.example>"), "second mailfrom")
        ok(mt.header(conn, "From", "user@soft.e2e.example"), "second header")
        value = finish(conn)
        expect(value, "spf", "pass")  -- soft.e2e.example authorizes 127.0.0.2 too
        expect(value, "smtp.mailfrom", "user@soft.e2e.example")
        mt.disconnect(conn)
    end
end)
