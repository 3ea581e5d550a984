"""Reading quotations from pictures: decoding within limits (`decode`), the OCR engine (`engine`),
and the bounded reader the CLI, the console and the chat bot share (`reader`)."""
