CREATE TABLE notes (
  id serial PRIMARY KEY,
  text text NOT NULL
);
INSERT INTO notes (text) VALUES
  ('The password is not in the Nix store'),
  ('Only its path is');
