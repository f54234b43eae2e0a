-- 018_honest_values.sql - a value nobody has established is stored as such, not as a guess
-- (issue 20, "a record people can trust"). A list that could confirm a monument's national
-- status for some rows and not for others used to put `local` on the rest, and every page,
-- tile and count then said "місцевого значення" as a fact. `not_established` says what is
-- known: the significance was looked for and not confirmed. It sorts after the established
-- values (sort 5; the map's point key keeps 15 for NULL, see 012), and the maps and pages
-- show it, like NULL, as unknown.
INSERT INTO vocab_significance VALUES
 ('not_established', 'значення не встановлено', 'significance not established', 5);
INSERT INTO vocab_alias VALUES
 ('significance', 'не встановлено', 'not_established'),
 ('significance', 'не встановлене', 'not_established'),
 ('significance', 'not established', 'not_established');
