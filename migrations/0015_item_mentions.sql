CREATE TABLE `item_mentions` (
	`item_id` integer NOT NULL,
	`actor_id` integer NOT NULL,
	PRIMARY KEY(`item_id`, `actor_id`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_mentions_actor_idx` ON `item_mentions` (`actor_id`);