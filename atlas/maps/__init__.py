"""Map building: basemaps, folium elements, the main map, page rendering and each page's scripts."""
