-- expect:
CREATE FUNCTION order_total(p_order_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(quantity * unit_cents), 0) FROM order_lines WHERE order_id = p_order_id
$$;

CREATE OR REPLACE FUNCTION slugify(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT COST 10 AS $$
BEGIN
    RETURN trim(both '-' from regexp_replace(lower(value), '[^a-z0-9]+', '-', 'g'));
END;
$$;

CREATE OR REPLACE VIEW order_totals AS
    SELECT o.id, order_total(o.id) AS total_cents FROM orders o;
