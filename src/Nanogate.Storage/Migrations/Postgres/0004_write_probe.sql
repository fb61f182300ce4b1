-- One row that /readyz rewrites to prove the database takes a committed write (as SQLite's 0010).
CREATE TABLE write_probe (id integer PRIMARY KEY CHECK (id = 1), written_at bigint NOT NULL);
