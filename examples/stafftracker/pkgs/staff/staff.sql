CREATE TABLE staff (
  id serial PRIMARY KEY,
  name text NOT NULL,
  room text NOT NULL
);
INSERT INTO staff (name, room) VALUES
  ('Ada Lovelace', 'HB 08.060'),
  ('Edsger Dijkstra', 'MF 7.104'),
  ('Grace Hopper', 'L3.21');
