from django.db import migrations


def seed(apps, schema_editor):
    from whatmatters.framework.library import seed_library

    seed_library(apps.get_model("framework", "LibraryMeasure"))


class Migration(migrations.Migration):
    dependencies = [("framework", "0002_aim_driver_changeidea_librarymeasure_measure_and_more")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
