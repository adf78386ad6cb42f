-- Names that need quoting: spaces, capitals, a double quote.
-- from
CREATE TABLE "Order Items" ("Item Id" INTEGER PRIMARY KEY, "Unit Price" REAL NOT NULL);
-- to
CREATE TABLE "Order Items" (
    "Item Id" INTEGER PRIMARY KEY,
    "Unit Price" REAL NOT NULL,
    "Buyer""s Note" TEXT DEFAULT 'n/a',
    CONSTRAINT "Price Positive" CHECK ("Unit Price" > 0)
);
CREATE INDEX "Order Items By Price" ON "Order Items" ("Unit Price" DESC);
-- data
INSERT INTO "Order Items" VALUES (1, 9.99), (2, 100);
