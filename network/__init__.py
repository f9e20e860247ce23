"""Network analysis of forum co-attendance (graph builders over plain edge lists, metrics,
snapshots). Graph code here never imports the ORM."""
