# The replicas of docker-compose.yml's `fleet` profile, by service name.
backend r1 { .host = "tradewatch-1"; .port = "3000"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 15s; .between_bytes_timeout = 10s; }
backend r2 { .host = "tradewatch-2"; .port = "3000"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 15s; .between_bytes_timeout = 10s; }
backend r3 { .host = "tradewatch-3"; .port = "3000"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 15s; .between_bytes_timeout = 10s; }

sub vcl_init {
    new fleet = directors.round_robin();
    fleet.add_backend(r1);
    fleet.add_backend(r2);
    fleet.add_backend(r3);
}
