#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/: a few valid inputs
and every bad input the hardening audit of the input readers used (invalid
UTF-8, a BOM, a NUL byte, deep nesting, numbers too large, infinite or not a
number, control characters in paths, hosts, descriptions and variable names,
seeds and times at the top of the 64-bit range, ...). CTest replays each file
(label fuzz); scripts/test.sh fuzzes from them. Run it again after changing a
seed here: `python3 tests/fuzz/make_corpus.py`. File names say what each is."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def topo(**override):
    """The manual's 7.1 cluster on 127.0.0.1, with some fields replaced."""
    t = {
        "cluster": "fz",
        "defaults": {"host": "127.0.0.1", "os": "linux", "base_dir": "/tmp/fz",
                     "sysdba_password": {"env": "DM_SYSDBA_PWD"}},
        "mp": {"instances": [{"name": "MP", "port_num": 5239, "ap_port_num": 6003, "mp_port": 9000,
                              "path": "/tmp/fz/mp", "description": "MP instance"}]},
        "sp": [{"raft": "RAFT_SP1", "name": "SP1", "port_num": 5236, "ap_port_num": 6000,
                "path": "/tmp/fz/sp1", "description": "SP instance", "register_status": 2}],
        "bp_rafts": [{"name": "RAFT_1", "members": [{"name": "BP1", "port_num": 5237, "ap_port_num": 6001,
                                                     "path": "/tmp/fz/bp1", "description": "BP instance"}]}],
        "bp_groups": [{"name": "BG_1", "description": "bp group1", "rafts": ["RAFT_1"]}],
    }
    for path, value in override.items():
        node = t
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        node[int(last) if last.isdigit() else last] = value
    return t


def dump(obj):
    return json.dumps(obj, indent=1).encode()


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def json_common(target, valid):
    """Bad inputs every JSON reader must refuse with a diagnostic."""
    write(target, "valid.json", valid)
    write(target, "bom-then-valid.json", b"\xef\xbb\xbf" + valid)
    write(target, "bom-then-error-on-line-3.json", b"\xef\xbb\xbf{\n \"cluster\": \"a\",\n \"x\": ,\n}")
    write(target, "nul-byte-inside.json", valid[:40] + b"\x00" + valid[40:])
    write(target, "nul-byte-at-end.json", valid + b"\x00garbage")
    write(target, "invalid-utf8-in-string.json", valid.replace(b'"fz"', b'"f\xff\xfez"', 1))
    write(target, "invalid-utf8-overlong.json", valid.replace(b'"fz"', b'"\xc0\xaf"', 1))
    write(target, "invalid-utf8-surrogate.json", valid.replace(b'"fz"', b'"\xed\xa0\x80"', 1))
    write(target, "invalid-utf8-truncated.json", valid + b'"\xe4\xb8')
    write(target, "deep-arrays.json", b"[" * 20000 + b"]" * 20000)
    write(target, "deep-objects.json", b'{"a":' * 10000 + b"1" + b"}" * 10000)
    write(target, "deep-unclosed.json", b"[{" * 10000)
    write(target, "comment-unclosed.json", b"{ /* never closed")
    write(target, "comment-line-only.json", b"// nothing but a comment")
    write(target, "empty.json", b"")
    write(target, "number-1e400.json", b'{"cluster": 1e400}')
    write(target, "number-minus-1e400.json", b'{"cluster": -1e400}')
    write(target, "number-infinity-literal.json", b'{"cluster": Infinity}')
    write(target, "number-nan-literal.json", b'{"cluster": NaN}')
    write(target, "number-2p64.json", b'{"cluster": 18446744073709551616}')
    write(target, "many-objects.json", b"[" + b",".join([b'{"a":1}'] * 5000) + b"]")
    write(target, "long-string.json", b'{"cluster": "' + b"x" * 50000 + b'"}')
    write(target, "escaped-nul-in-string.json", b'{"cluster": "a\\u0000b"}')
    write(target, "lone-surrogate-escape.json", b'{"cluster": "\\ud800"}')


def topology():
    valid = dump(topo())
    json_common("topology", valid)
    bad = {
        "path-newline-parfile-injection": topo(mp__instances__0__path="/tmp/fz/mp\nAUTO_OVERWRITE=1"),
        "path-carriage-return": topo(mp__instances__0__path="/tmp/fz/mp\r"),
        "path-nul-escape": topo(mp__instances__0__path="/tmp/fz/m\u0000p"),
        "path-windows-quote": topo(defaults__os="windows", defaults__base_dir="D:\\fz",
                                   mp__instances__0__path="D:\\fz\\m\"p & calc"),
        "path-relative": topo(mp__instances__0__path="fz/mp"),
        "path-dollar-backtick": topo(mp__instances__0__path="/tmp/$(id)/`id`"),
        "host-newline-sh-comment-escape": topo(defaults__host="127.0.0.1\ntouch /tmp/pwned"),
        "host-semicolon": topo(defaults__host="h1; rm -rf /"),
        "host-localhost-and-127-same-port": topo(mp__instances__0__host="localhost",
                                                 sp__0__host="127.0.0.1", sp__0__port_num=5239),
        "description-crlf": topo(mp__instances__0__description="MP\r\necho pwned"),
        "description-quote-percent": topo(mp__instances__0__description="a\"b%PATH%!c"),
        "name-control-char": topo(mp__instances__0__name="M\u0007P"),
        "name-unicode": topo(mp__instances__0__name="MP\u00e9"),
        "cluster-newline": topo(cluster="fz\nrm -rf /"),
        "password-env-ampersand": topo(defaults__sysdba_password={"env": "PWD&calc"}),
        "password-env-newline": topo(defaults__sysdba_password={"env": "PWD\nX"}),
        "password-inline": topo(defaults__sysdba_password="cleartext"),
        "port-zero": topo(mp__instances__0__port_num=0),
        "port-negative": topo(mp__instances__0__port_num=-1),
        "port-65536": topo(mp__instances__0__port_num=65536),
        "port-int64-max": topo(mp__instances__0__port_num=9223372036854775807),
        "port-uint64-overflow": topo(mp__instances__0__port_num=18446744073709551616),
        "port-fraction": topo(mp__instances__0__port_num=5239.5),
        "port-string": topo(mp__instances__0__port_num="5239"),
        "port-duplicate": topo(sp__0__port_num=5239),
        "register-status-huge": topo(sp__0__register_status=1e300),
        "raft-missing": topo(bp_groups__0__rafts=["RAFT_X"]),
        "unknown-field": topo(mp__instances__0__colour="red"),
        "duplicate-instance-name": topo(sp__0__name="MP"),
    }
    for name, t in bad.items():
        write("topology", name + ".json", dump(t))
    write("topology", "duplicate-key.json", b'{"cluster": "a", "cluster": "b"}')
    write("topology", "vote-interval-huge.json",
          dump(topo(bp_rafts__0__members__0__vote_interval_ms=1e300)))


def scenario():
    valid = dump({"description": "fuzz seed", "topology": topo(),
                  "steps": [{"do": "deploy"},
                            {"wait_until": {"group": "RAFT_1", "open": True}, "within_ms": 20000},
                            {"hold": {"group": "RAFT_1", "open": True}, "for_ms": 1000},
                            {"expect": {"instance": "BP1", "running": True}}]})
    json_common("scenario", valid)

    def sc(steps=None, sim=None, topology=None):
        s = {"description": "fuzz seed", "topology": topology if topology is not None else topo(),
             "steps": steps if steps is not None else [{"do": "deploy"}]}
        if sim is not None:
            s["sim"] = sim
        return dump(s)

    link = {"a": "127.0.0.1", "b": "127.0.0.1"}
    seeds = {
        "wait-until-never-true-huge-within": sc([{"wait_until": {"instance": "MP", "running": True},
                                                  "within_ms": 9.2e18}]),
        "wait-until-within-int64-max": sc([{"wait_until": {"instance": "MP", "running": True},
                                            "within_ms": 9223372036854775807}]),
        "hold-for-2p62": sc([{"hold": {"instance": "MP", "running": False}, "for_ms": 4611686018427387904}]),
        "hold-for-negative": sc([{"hold": {"instance": "MP", "running": False}, "for_ms": -1}]),
        "poll-ms-zero": sc([{"wait_until": {"instance": "MP", "running": True}, "within_ms": 100,
                             "poll_ms": 0}]),
        "advance-huge": sc([{"do": "advance 9223372036854775807"}]),
        "advance-negative": sc([{"do": "advance -5"}]),
        "link-latency-1e300": sc(sim={"links": [dict(link, latency_ms=1e300)]}),
        "link-latency-negative": sc(sim={"links": [dict(link, latency_ms=-3)]}),
        "link-loss-above-one": sc(sim={"links": [dict(link, loss=1.5)]}),
        "link-jitter-1e300": sc(sim={"links": [dict(link, jitter_ms=1e300)]}),
        "link-host-newline": sc(sim={"links": [dict(link, a="127.0.0.1\nx")]}),
        "jitter-huge": sc(sim={"jitter_ms": 1e300}),
        "profile-link-jitter-negative": sc(sim={"profile": {"link_jitter_ms": -0.2}}),
        "topology-missing": dump({"description": "x", "steps": []}),
        "topology-file-name-newline": dump({"description": "x", "topology": "topologies/a\nb.json", "steps": []}),
        "topology-is-number": dump({"description": "x", "topology": 5, "steps": []}),
        "topology-invalid-inline": sc(topology=topo(mp__instances__0__path="/x\nAUTO_OVERWRITE=1")),
        "step-unknown-key": sc([{"do": "deploy", "colour": "red"}]),
        "sql-on-unknown": sc([{"wait_until": {"sql": {"on": "NOPE", "query": "SELECT 1 FROM DUAL"}, "ok": True},
                               "within_ms": 100}]),
        "expect-at-least-huge": sc([{"expect": {"trace": {"kind": "net.drop"}, "at_least": 1e300}}]),
        "mark-at-nesting": sc([{"mark": "a", "at": {"all": [{"any": [{"not": {"all": []}}]}]}}]),
        "condition-deep": (b'{"description": "x", "topology": "a.json", "steps": [{"expect": '
                           + b'{"not": ' * 2000 + b'{"instance": "MP", "running": true}' + b"}" * 2000 + b"}]}"),
    }
    for name, data in seeds.items():
        write("scenario", name + ".json", data)


def sql():
    seeds = {
        "select-dual": "SELECT 1 FROM DUAL",
        "select-instance": "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE",
        "create-table": "CREATE TABLE T1(ID INT PRIMARY KEY, V VARCHAR(10))",
        "insert": "INSERT INTO T1 VALUES(1, 'a''b')",
        "procedure": "SP_SET_RAFT_ELECT(0)",
        "unterminated-quote": "SELECT 'abc",
        "unterminated-double-quote": 'SELECT "abc',
        "nul-byte": "SELECT 1\x00 FROM DUAL",
        "invalid-utf8": b"SELECT '\xff\xfe' FROM DUAL",
        "bom": b"\xef\xbb\xbfSELECT 1 FROM DUAL",
        "deep-parens": "SELECT " + "(" * 20000 + "1" + ")" * 20000,
        "unclosed-parens": "SP_X(" * 5000,
        "number-huge": "SELECT 1" + "0" * 400 + " FROM DUAL",
        "number-int64-max": "INSERT INTO T1 VALUES(9223372036854775807, 'x')",
        "number-int64-overflow": "INSERT INTO T1 VALUES(9223372036854775808, 'x')",
        "number-negative-min": "INSERT INTO T1 VALUES(-9223372036854775809, 'x')",
        "number-exponent": "SELECT 1e400 FROM DUAL",
        "newline-injection": "SELECT 1 FROM DUAL;\nDROP TABLE T1",
        "long-identifier": "SELECT " + "A" * 20000 + " FROM DUAL",
        "empty": "",
        "only-spaces": " \t\r\n ",
        "semicolons": ";;;;",
        "comment-unclosed": "SELECT /* 1 FROM DUAL",
    }
    for name, text in seeds.items():
        write("sql", name + ".sql", text)


def ini():
    valid = ("[GRP1]\n  INSTANCE_NAME = BP1\n  PORT_NUM = 5237 # port\n"
             "ARCH_TYPE = REALTIME\nARCH_DEST = BP2\n\nMAL_HOST = 127.0.0.1\n")
    seeds = {
        "valid": valid,
        "bom": b"\xef\xbb\xbf" + valid.encode(),
        "crlf": valid.replace("\n", "\r\n"),
        "nul-byte": valid[:20] + "\x00" + valid[20:],
        "invalid-utf8": b"INSTANCE_NAME = B\xff\xfeP\n",
        "no-key": "= 5\n",
        "no-value": "PORT_NUM =\n",
        "no-equals": "PORT_NUM 5237\n",
        "section-unclosed": "[GRP1\nPORT_NUM = 1\n",
        "section-empty": "[]\n",
        "number-huge": "PORT_NUM = 1" + "0" * 400 + "\n",
        "number-int64-max": "PORT_NUM = 9223372036854775807\n",
        "number-overflow": "PORT_NUM = 18446744073709551616\n",
        "number-negative": "PORT_NUM = -1\n",
        "value-newline-injection": "ARCH_DEST = BP2\\\nAUTO_OVERWRITE = 1\n",
        "long-line": "A = " + "x" * 50000 + "\n",
        "many-keys": "".join("K%d = %d\n" % (i, i) for i in range(5000)),
        "only-comments": "# a\n; b\n",
        "empty": "",
        "cr-only": "A = 1\rB = 2\r",
    }
    for name, text in seeds.items():
        write("ini", name + ".ini", text)


if __name__ == "__main__":
    topology()
    scenario()
    sql()
    ini()
