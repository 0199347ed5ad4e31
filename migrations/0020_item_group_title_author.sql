ALTER TABLE `item_groups` ADD `title_key` text;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `author_id` integer;--> statement-breakpoint
CREATE INDEX `item_groups_titles_idx` ON `item_groups` (`group_id`,`kind`,`title_key`,`item_id`,`pinned_at`) WHERE live = 1 AND pinned_at IS NULL;--> statement-breakpoint
CREATE INDEX `item_groups_authors_idx` ON `item_groups` (`group_id`,`author_id`,`kind`,`activity_at`,`item_id`,`pinned_at`) WHERE live = 1 AND pinned_at IS NULL;