DROP INDEX `taggings_tag_idx`;--> statement-breakpoint
CREATE INDEX `taggings_tag_item_idx` ON `taggings` (`tag_id`,`item_id`);--> statement-breakpoint
CREATE INDEX `items_live_threads_idx` ON `items` (`kind`,`activity_at`,`pinned_at`,`author_id`) WHERE deleted_at IS NULL AND removed_at IS NULL;--> statement-breakpoint
CREATE INDEX `items_live_root_idx` ON `items` (`root_id`,`published_at`) WHERE deleted_at IS NULL AND removed_at IS NULL;