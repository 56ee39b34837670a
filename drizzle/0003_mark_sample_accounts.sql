-- Earlier seeds created sample accounts (one published password) even in production. They share one email shape on
-- the reserved example.com domain; marking them lets sign-in refuse them in production.
UPDATE "users" SET "sample" = true WHERE "email" ~ '^[a-z]+\.[a-z-]+\.[0-9]+@example\.com$';
