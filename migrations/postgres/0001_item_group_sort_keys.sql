ALTER TABLE "item_groups" ADD COLUMN "kind" text;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "published_at" bigint;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "activity_at" bigint;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "pinned_at" bigint;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "visibility" text;--> statement-breakpoint
ALTER TABLE "item_groups" ADD COLUMN "live" bigint;--> statement-breakpoint
CREATE INDEX "item_groups_recent_idx" ON "item_groups" USING btree ("group_id","published_at","item_id") WHERE live = 1 AND status = 'published';--> statement-breakpoint
CREATE INDEX "item_groups_threads_idx" ON "item_groups" USING btree ("group_id","kind","pinned_at","activity_at","item_id") WHERE live = 1;--> statement-breakpoint
CREATE INDEX "item_groups_listed_idx" ON "item_groups" USING btree ("item_id","group_id","visibility") WHERE live = 1 AND status = 'published';--> statement-breakpoint
CREATE INDEX "item_groups_drafts_idx" ON "item_groups" USING btree ("group_id","item_id") WHERE status <> 'published';