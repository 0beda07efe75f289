# tradewatch behind Varnish: a shared cache and load balancer in front of identical replicas.
#
# What the app says, the cache does: freshness from max-age, a minute of
# stale-while-revalidate (stale served at once, revalidated in the background
# with If-None-Match), and stale-if-error when no replica answers. Replicas are
# probed on /healthz and taken in turn; a request a replica sheds (503) or
# drops is tried again on the next one. The replicas are declared in
# backends.vcl, found on vcl_path: one for docker compose (compose/), one
# written by deploy/fleet-test.
vcl 4.1;

import directors;
import std;

# Every replica is checked here; backends.vcl names them with `.probe = healthz`.
probe healthz {
    .url = "/healthz";
    .expected_response = 200;
    .interval = 1s;
    .timeout = 1s;
    # Healthy while 2 of the last 3 probes pass; a new replica starts sick and
    # is taken once a probe passes (the .initial default: threshold - 1).
    .window = 3;
    .threshold = 2;
}

# Declares the replicas and, in its vcl_init, the round-robin director `fleet`
# that takes them in turn (skipping the sick ones).
include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = fleet.backend();
    # The site is read-only: anything but GET and HEAD goes through uncached,
    # for the app to answer (405 with Allow).
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Health is a replica's own: ask one, never the cache (the app says no-store too).
    if (req.url ~ "^/healthz(\?|$)") {
        return (pass);
    }
    # Nothing is personal: cookies and credentials never split or bypass the cache.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # Marks set by this VCL, never by a client.
    if (req.restarts == 0) {
        unset req.http.X-Fleet-Stale-If-Error;
    }
    return (hash);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Stale. A fetch for it has just failed: the app allows a stale copy
    # (stale-if-error) over an error, up to the object's grace.
    if (req.http.X-Fleet-Stale-If-Error) {
        return (deliver);
    }
    # Within stale-while-revalidate: deliver now; Varnish revalidates in the
    # background (If-None-Match with the stored ETag, a 304 renews it).
    if (obj.ttl + std.duration(obj.http.X-Fleet-SWR, 0s) > 0s) {
        return (deliver);
    }
    # No replica is healthy: stale-if-error, without waiting on a failure.
    if (!std.healthy(req.backend_hint)) {
        return (deliver);
    }
    # Past stale-while-revalidate with replicas up: this reader waits for a
    # fresh copy rather than reading one older than the app allows.
    set req.hash_always_miss = true;
    return (restart);
}

sub vcl_miss {
    # The fetch for a stale copy failed and no copy was left to serve.
    if (req.http.X-Fleet-Stale-If-Error) {
        return (synth(503, "No replica answered"));
    }
}

sub vcl_backend_fetch {
    # Read-only routes: a request body is never sent on.
    unset bereq.body;
}

sub vcl_backend_response {
    # A replica shedding load (503, Retry-After) or failing: the next replica
    # may answer. Only idempotent requests reach a backend from here.
    if (beresp.status >= 500 && bereq.retries < 3 &&
        (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    if (beresp.status >= 500) {
        # Never stored, so a stale copy is kept and served (see vcl_deliver).
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Varnish took max-age as the TTL and stale-while-revalidate as grace.
    # Keep that window on the object, and extend grace to stale-if-error, the
    # longest the app lets a stale copy stand in for an error.
    set beresp.http.X-Fleet-SWR = beresp.grace + "s";
    if (beresp.http.Cache-Control ~ "(?i)(^|[ ,])stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
            "(?i)^.*(?:^|[ ,])stale-if-error=([0-9]+).*$", "\1s"), beresp.grace);
    }
    # A stale copy keeps its ETag, so a revalidation is a 304, not a new body.
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_backend_error {
    # No replica could be reached (refused, reset, timed out): try the next.
    if (bereq.retries < 3 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    # A fetch failed on every replica: serve a stale copy if one is held.
    if (resp.status >= 500 && req.method == "GET" && !req.http.X-Fleet-Stale-If-Error &&
        req.restarts < 2 && req.url !~ "^/healthz(\?|$)") {
        set req.http.X-Fleet-Stale-If-Error = "1";
        set req.hash_always_miss = false;
        return (restart);
    }
    unset resp.http.X-Fleet-SWR;
    # Whether the cache answered, for operators and the fleet test.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
