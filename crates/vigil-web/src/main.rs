//! The console's entry point (built by Trunk into the page's main wasm module).

fn main() {
    yew::Renderer::<vigil_web::App>::new().render();
}
