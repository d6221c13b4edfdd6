"""What subscriptions adds to the extension points of the apps below it."""


def register():
    pass
