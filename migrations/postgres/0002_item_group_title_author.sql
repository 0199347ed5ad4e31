ALTER TABLE "item_groups" ADD COLUMN "title_key" text;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "author_id" bigint;--> statement-breakpoint
CREATE INDEX "item_groups_titles_idx" ON "item_groups" USING btree ("group_id","kind","title_key","item_id","pinned_at") WHERE live = 1 AND pinned_at IS NULL;--> statement-breakpoint
CREATE INDEX "item_groups_authors_idx" ON "item_groups" USING btree ("group_id","author_id","kind","activity_at","item_id","pinned_at") WHERE live = 1 AND pinned_at IS NULL;