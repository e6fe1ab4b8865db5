"""The Settings page's categories (modules/options.py): a section listed under none shows as "Uncategorized"."""

from types import SimpleNamespace


class OptionsCategories:
    def __init__(self):
        self.mapping: dict = {}

    def register_category(self, category_id, label):
        self.mapping.setdefault(category_id, SimpleNamespace(id=category_id, label=label))
        return category_id


categories = OptionsCategories()
