CREATE TABLE rooms (
  room text PRIMARY KEY,
  zipcode text NOT NULL
);
INSERT INTO rooms VALUES
  ('HB 08.060', '2628 CD'),
  ('L3.21', '1098 XG'),
  ('MF 7.104', '5612 AZ');
