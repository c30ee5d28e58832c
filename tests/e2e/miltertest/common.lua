-- common.lua - shared by the miltertest(8) scripts: connect to enma, run one message, check
-- the Authentication-Results field it inserts. Globals from miltertest -D: port, dir.
-- Any failed check raises a Lua error, which makes miltertest exit non-zero.

AUTHSERV_ID = "mx.e2e.example"
SENDER = "user@pass.e2e.example"

function check(condition, what)
    if not condition then
        error("FAILED: " .. what, 2)
    end
    print("  ok   " .. what)
end

-- ok - a miltertest call returned nil (success); otherwise fail with its message.
function ok(result, what)
    if result ~= nil then
        error("FAILED: " .. what .. ": " .. tostring(result), 2)
    end
end

-- open - connect and negotiate (steps nil: miltertest's defaults, everything offered).
function open(version, actions, steps)
    local conn = mt.connect("inet:" .. port .. "@127.0.0.1", 20, 0.25)
    check(conn ~= nil, "connected to enma")
    ok(mt.negotiate(conn, version, actions, steps), "negotiate")
    return conn
end

-- envelope - connect, helo and MAIL FROM for a client address.
function envelope(conn, ip, sender)
    ok(mt.conninfo(conn, "client.e2e.example", ip or "127.0.0.2"), "conninfo")
    ok(mt.helo(conn, "client.e2e.example"), "helo")
    ok(mt.mailfrom(conn, "<" .. (sender or SENDER) .. ">"), "mailfrom")
end

-- finish - end of headers, a body, end of message; returns our A-R value (or nil).
function finish(conn, body)
    ok(mt.eoh(conn), "eoh")
    ok(mt.bodystring(conn, body or "Hello.\r\n"), "body")
    ok(mt.eom(conn), "eom")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "end of message answered with continue")
    check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"),
          "Authentication-Results inserted")
    return mt.getheader(conn, "Authentication-Results", 0)
end

-- expect - the A-R value names our authserv-id and has method=result.
function expect(value, method, result)
    check(value ~= nil, "Authentication-Results value available")
    check(string.find(value, AUTHSERV_ID .. ";", 1, true) ~= nil, "authserv-id " .. AUTHSERV_ID)
    check(string.find(value, method .. "=" .. result, 1, true) ~= nil,
          method .. "=" .. result .. " in " .. value)
end

-- absent - method does not appear in the A-R value.
function absent(value, method)
    check(string.find(value, method .. "=", 1, true) == nil, "no " .. method .. " result")
end

-- run - call the script's body; print any failure (miltertest itself does not) and exit 1.
function run(body)
    local done, err = pcall(body)
    if not done then
        print(tostring(err))
        os.exit(1)
    end
end
