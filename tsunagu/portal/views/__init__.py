from .home import home
from .maps import roster_map_data_view, roster_map_marker_view, roster_map_points_view, roster_map_view

__all__ = ["home", "roster_map_data_view", "roster_map_marker_view", "roster_map_points_view", "roster_map_view"]
