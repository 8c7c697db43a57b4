-- Usage events are written in batches of thousands. A foreign key checks every row on its own (about
-- as much of the server's CPU as the COPY that writes the rows); the writer now locks each batch's
-- users once instead (SELECT ... FOR KEY SHARE, the lock the key check took), so a user cannot be
-- deleted while a batch of theirs is being written.

-- DropForeignKey
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_user_id_fkey";

-- What ON DELETE CASCADE did: a user's usage events go with the user.
CREATE FUNCTION "usage_events_delete_with_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "usage_events" WHERE "user_id" = OLD."id";
  RETURN OLD;
END;
$$;

CREATE TRIGGER "users_delete_usage_events"
  AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "usage_events_delete_with_user"();
