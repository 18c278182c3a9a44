CREATE TABLE zipcodes (
  zipcode text PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL
);
INSERT INTO zipcodes VALUES
  ('2628 CD', 'Mekelweg', 'Delft'),
  ('1098 XG', 'Science Park', 'Amsterdam'),
  ('5612 AZ', 'Groene Loper', 'Eindhoven');
