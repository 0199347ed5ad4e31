CREATE TABLE `tag_counts` (
	`group_id` integer NOT NULL,
	`is_public` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`item_count` integer NOT NULL,
	PRIMARY KEY(`group_id`, `is_public`, `tag_id`)
);
--> statement-breakpoint
ALTER TABLE `item_groups` ADD `cross_posted` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `item_groups_cross_posted_idx` ON `item_groups` (`group_id`,`item_id`) WHERE cross_posted = 1 AND live = 1 AND status = 'published' AND visibility <> 'public';