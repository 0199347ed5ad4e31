CREATE TABLE "tag_counts" (
	"group_id" bigint NOT NULL,
	"is_public" bigint NOT NULL,
	"tag_id" bigint NOT NULL,
	"item_count" bigint NOT NULL,
	CONSTRAINT "tag_counts_group_id_is_public_tag_id_pk" PRIMARY KEY("group_id","is_public","tag_id")
);
--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "cross_posted" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "item_groups_cross_posted_idx" ON "item_groups" USING btree ("group_id","item_id") WHERE cross_posted = 1 AND live = 1 AND status = 'published' AND visibility <> 'public';