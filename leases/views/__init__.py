# Views of the housing stock, split in two modules (the app passed ~800 lines of views):
# stock.py (lists, residence and dwelling pages, equipment) and imports.py (uploads, previews, exports).
