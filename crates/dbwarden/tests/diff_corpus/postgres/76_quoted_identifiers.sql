-- Names that need quoting: spaces, capitals, a quote.
-- from
CREATE TABLE "Order Items" ("Item Id" integer PRIMARY KEY, "Unit Price" numeric(8,2) NOT NULL);
-- to
CREATE TABLE "Order Items" (
    "Item Id" integer PRIMARY KEY,
    "Unit Price" numeric(8,2) NOT NULL,
    "Buyer's Note" text DEFAULT 'n/a',
    CONSTRAINT "Price Positive" CHECK ("Unit Price" > 0)
);
CREATE INDEX "Order Items By Price" ON "Order Items" ("Unit Price" DESC);
COMMENT ON COLUMN "Order Items"."Buyer's Note" IS 'What the buyer wrote';
-- data
INSERT INTO "Order Items" VALUES (1, 9.99), (2, 100);
